/**
 * @module
 * Start the proxy and stop it gracefully: SIGTERM or Ctrl-C drains in-flight requests; a second
 * Ctrl-C exits at once with 130.
 */
import { createServer } from '../../http/server.js';
import { EXIT } from '../exit-codes.js';
import { resolveServeOptions, type ServeFlags } from './resolve-serve-options.js';

/** Run `serve` until a signal stops it. */
export async function runServe(flags: ServeFlags): Promise<void> {
  const server = createServer(resolveServeOptions(flags));
  const { url } = await server.listen();
  process.stderr.write(`claude-code-wrapper proxy listening on ${url}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(EXIT.interrupted);
    stopping = true;
    process.stderr.write(`${signal}: draining in-flight requests...\n`);
    void server.close().then(() => process.exit(EXIT.ok));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
