/**
 * @module
 * Start the proxy and stop it gracefully: SIGTERM or Ctrl-C drains in-flight requests; a second
 * signal exits at once (130 for Ctrl-C, 143 for SIGTERM).
 *
 * The shutdown always ends: it has a hard deadline (the drain deadline, plus the CLI's kill grace,
 * plus a margin) after which the process exits with 1, and a stdout or stderr whose reader went
 * away is ignored instead of ending or wedging the process halfway through. The exit handlers kill
 * every CLI child still running, and on Linux each child also dies with this process
 * (`setpriv --pdeathsig`).
 */
import { constants } from 'node:os';
import { healthCheck, healthCheckOptionsFor } from '../../client/health-check.js';
import { readinessLine } from '../../client/readiness.js';
import { RUN_DEFAULTS } from '../../client/run-options.js';
import { createServer } from '../../http/server.js';
import { EXIT } from '../exit-codes.js';
import { ignoreOutputErrors } from '../output-errors.js';
import { resolveServeOptions, type ServeFlags } from './resolve-serve-options.js';

/** Added to the drain deadline and kill grace before the shutdown is cut short. */
export const SHUTDOWN_MARGIN_MS = 2_000;

/** Exit code when the shutdown missed its hard deadline. */
const SHUTDOWN_TIMED_OUT = EXIT.runFailed;

/** Run `serve` until a signal stops it. */
export async function runServe(flags: ServeFlags): Promise<void> {
  // A server outlives its log reader; SIGTERM must still work when the reader is gone.
  ignoreOutputErrors();
  const server = createServer(resolveServeOptions(flags));
  const { url } = await server.listen();
  const { drainTimeoutMs, wrapper } = server.options;
  const deadlineMs = drainTimeoutMs + (wrapper.killGraceMs ?? RUN_DEFAULTS.killGraceMs) + SHUTDOWN_MARGIN_MS;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) exitNow(signal === 'SIGINT' ? EXIT.interrupted : 128 + constants.signals[signal]);
    stopping = true;
    say(`${signal}: draining in-flight requests...\n`);
    setTimeout(() => {
      say(`shutdown did not finish within ${deadlineMs} ms; exiting\n`);
      exitNow(SHUTDOWN_TIMED_OUT);
    }, deadlineMs);
    server.close().then(
      () => exitNow(EXIT.ok),
      (error: unknown) => {
        say(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        exitNow(SHUTDOWN_TIMED_OUT);
      },
    );
  };
  // `on`, not `once`: with no listener left, a second signal would take Node's default action
  // and skip the exit handlers that kill the CLI children.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Only now: whoever reads this line may send SIGTERM at once (a supervisor, a test), and before
  // the handlers the signal would take Node's default action instead of draining.
  say(`claude-code-wrapper proxy listening on ${url}\n`);
  // Then one line on what will not work (no CLI, no login, a CLI version outside the tested range),
  // so a person starting the server sees it without reading logs or probing /health.
  healthCheck(healthCheckOptionsFor(server.options.wrapper)).then(
    (report) => say(`${readinessLine(report)}\n`),
    () => undefined,
  );
}

/** Write to stderr; a closed stderr is not this function's problem (see output-errors.ts). */
function say(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // Ignored: the server's work does not depend on being heard.
  }
}

/**
 * `process.exit`, which runs the exit handlers (they kill the CLI children). Should one of them
 * throw, `process.exit` returns with the exception instead of exiting: then the process is killed.
 */
function exitNow(code: number): never {
  try {
    process.exit(code);
  } finally {
    process.kill(process.pid, 'SIGKILL');
  }
}
