/**
 * @module
 * `claude-wrapper serve`: run the HTTP proxy. Options come from flags, then env
 * (`CLAUDE_WRAPPER_*`, `CLAUDE_*`), then a JSON config file (`--config` or `CLAUDE_CONFIG_PATH`).
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../core/config/load-config.js';
import { ClaudeCodeConfigurationError } from '../../core/errors/index.js';
import { createServer } from '../../http/server.js';
import { serverOptionsFromEnv, type ServerOptionsInput } from '../../http/server-options.js';

interface ServeFlags {
  host?: string;
  port?: string;
  apiKey?: string[];
  config?: string;
  allowTools?: boolean;
  strict?: boolean;
  maxConcurrent?: string;
}

/** Register the `serve` command. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Anthropic- and OpenAI-compatible HTTP proxy on top of your Claude Code login')
    .option('--host <host>', 'interface to bind (non-loopback requires --api-key)', undefined)
    .option('--port <port>', 'TCP port', undefined)
    .option('--api-key <key...>', 'accepted API key(s); or CLAUDE_WRAPPER_API_KEYS')
    .option('--config <file>', 'JSON config file: { "server": {...}, ...wrapper options }')
    .option('--allow-tools', "give callers Claude Code's built-in tools (off by default)")
    .option('--strict', 'reject parameters the CLI cannot honour with 400')
    .option('--max-concurrent <n>', 'CLI runs at once')
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper serve                          # http://127.0.0.1:8787, your Claude login
  $ claude-wrapper serve --port 9000 --max-concurrent 8
  $ CLAUDE_WRAPPER_API_KEYS=sk-local-123456 claude-wrapper serve --host 0.0.0.0

Then point any client at it:
  ANTHROPIC_BASE_URL=http://127.0.0.1:8787   (Anthropic SDKs)
  OPENAI_BASE_URL=http://127.0.0.1:8787/v1    (OpenAI SDKs)`,
    )
    .action(async (flags: ServeFlags) => {
      const server = createServer(resolveServeOptions(flags));
      const { url } = await server.listen();
      process.stderr.write(`claude-code-wrapper proxy listening on ${url}\n`);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) process.exit(130);
        stopping = true;
        process.stderr.write(`${signal}: draining in-flight requests...\n`);
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

/** Merge flags over env over the config file. */
export function resolveServeOptions(flags: ServeFlags, env = process.env): ServerOptionsInput {
  const path = flags.config ?? env['CLAUDE_CONFIG_PATH'];
  const file = path ? readJson(path) : {};
  const { server: fileServer = {}, ...fileWrapper } = file as { server?: ServerOptionsInput } & Record<
    string,
    unknown
  >;
  // Wrapper settings: file, then CLAUDE_* environment variables on top.
  const wrapper = { ...fileWrapper, ...loadConfig({ env: { ...env, CLAUDE_CONFIG_PATH: undefined } }) };
  const fromFlags: Record<string, unknown> = {};
  if (flags.host) fromFlags['host'] = flags.host;
  if (flags.port) fromFlags['port'] = Number(flags.port);
  if (flags.apiKey?.length) fromFlags['apiKeys'] = flags.apiKey;
  if (flags.allowTools) fromFlags['allowCliTools'] = true;
  if (flags.strict) fromFlags['strict'] = true;
  if (flags.maxConcurrent) fromFlags['maxConcurrent'] = Number(flags.maxConcurrent);
  return { ...fileServer, ...serverOptionsFromEnv(env), ...fromFlags, wrapper } as ServerOptionsInput;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new ClaudeCodeConfigurationError(`Cannot read config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
