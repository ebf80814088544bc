/**
 * @module
 * Configuration for every command, read the way `serve` reads it: defaults, then the JSON file
 * (`--config`/argument or `CLAUDE_CONFIG_PATH`, whose optional `server` section belongs to the
 * proxy), then `CLAUDE_*` environment variables. Also records where each value came from, for
 * `config show`.
 */
import { CONFIG_PATH_ENV_VAR, readConfigEnv, readConfigFile } from '../../core/config/load-config.js';
import { configSchema, type ClaudeCodeConfig } from '../../core/config/schema.js';
import { parseOrThrow } from '../../core/config/validate.js';
import { ClaudeCodeConfigurationError } from '../../core/errors/index.js';

/** Where a configuration value came from. */
export type ConfigOrigin =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly variable: string };

/** Environment as read by the loader. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Result of {@link loadCliConfig}. */
export interface CliConfig {
  /** The config file that was read, if any. */
  readonly file: string | undefined;
  /** Library configuration: file values with environment variables on top, validated. */
  readonly wrapper: ClaudeCodeConfig;
  /** The file's `server` section as written (validated by `serve` and `config validate`). */
  readonly server: Readonly<Record<string, unknown>>;
  /** Origin of every field in {@link wrapper}. */
  readonly origins: Readonly<Partial<Record<keyof ClaudeCodeConfig, ConfigOrigin>>>;
}

/**
 * Load the configuration.
 * @param file Config file; overrides `CLAUDE_CONFIG_PATH`.
 * @throws {@link ClaudeCodeConfigurationError} when the file cannot be read or parsed.
 * @throws {@link ClaudeCodeValidationError} naming the bad field, and the file or variable it came from.
 */
export function loadCliConfig(file?: string, env: Env = process.env): CliConfig {
  const path = file ?? (env[CONFIG_PATH_ENV_VAR] || undefined);
  const { server = {}, ...fromFile } = path ? readConfigFile(path) : {};
  const fileConfig = parseOrThrow(configSchema, fromFile, path ? `config file ${path} ->` : 'config');
  // The library's table owns the environment variables and their parsing.
  const fromEnv = readConfigEnv(env);
  const envConfig = fromEnv.values as ClaudeCodeConfig;
  const origins: Partial<Record<keyof ClaudeCodeConfig, ConfigOrigin>> = {};
  if (path)
    for (const key of Object.keys(fileConfig))
      origins[key as keyof ClaudeCodeConfig] = { kind: 'file', path };
  for (const [field, variable] of Object.entries(fromEnv.variables) as [keyof ClaudeCodeConfig, string][]) {
    origins[field] = { kind: 'env', variable };
  }
  if (typeof server !== 'object' || server === null || Array.isArray(server)) {
    throw new ClaudeCodeConfigurationError(`Config file ${path ?? ''}: "server" must be an object`);
  }
  return {
    file: path,
    wrapper: { ...fileConfig, ...envConfig },
    server: server as Record<string, unknown>,
    origins,
  };
}
