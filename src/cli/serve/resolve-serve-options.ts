/**
 * @module
 * The proxy's options: flags over `CLAUDE_WRAPPER_*` variables over the config file's `server`
 * section; wrapper options from the file with `CLAUDE_*` variables on top.
 */
import { serverOptionsFromEnv, type ServerOptionsInput } from '../../http/server-options.js';
import { loadCliConfig, type Env } from '../shared/load-cli-config.js';

/** Flags of `serve`. */
export interface ServeFlags {
  readonly host?: string;
  readonly port?: number;
  readonly apiKey?: string[];
  readonly config?: string;
  readonly allowTools?: boolean;
  readonly strict?: boolean;
  readonly maxConcurrent?: number;
  readonly allowedOrigin?: string[];
  readonly allowedHost?: string[];
}

/**
 * Merge flags over env over the config file (validated later by `createServer`, whose schema holds
 * the defaults). `config show` calls this too, so it prints what `serve` uses.
 * @throws {@link ClaudeCodeConfigurationError} or {@link ClaudeCodeValidationError} for a bad file,
 *   or a `CLAUDE_WRAPPER_*` / `CLAUDE_*` variable that does not parse (the error names it).
 */
export function resolveServeOptions(flags: ServeFlags, env: Env = process.env): ServerOptionsInput {
  const { server, wrapper } = loadCliConfig(flags.config, env);
  const fromFlags: Record<string, unknown> = {};
  if (flags.host) fromFlags['host'] = flags.host;
  if (flags.port !== undefined) fromFlags['port'] = flags.port;
  if (flags.apiKey?.length) fromFlags['apiKeys'] = flags.apiKey;
  if (flags.allowTools) fromFlags['allowCliTools'] = true;
  if (flags.strict) fromFlags['strict'] = true;
  if (flags.allowedOrigin?.length) fromFlags['allowedOrigins'] = splitList(flags.allowedOrigin);
  if (flags.allowedHost?.length) fromFlags['allowedHosts'] = splitList(flags.allowedHost);
  if (flags.maxConcurrent !== undefined) fromFlags['maxConcurrent'] = flags.maxConcurrent;
  return { ...server, ...serverOptionsFromEnv(env), ...fromFlags, wrapper } as ServerOptionsInput;
}

// `--allowed-origin a --allowed-origin b` and `--allowed-origin a,b` mean the same.
function splitList(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',').map((item) => item.trim())).filter(Boolean);
}
