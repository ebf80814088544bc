/**
 * @module
 * The resolved configuration with the origin of every value (default, file or environment
 * variable), secrets redacted: what `config show` prints.
 */
import { CONFIG_DEFAULTS, configSchema } from '../../core/config/schema.js';
import { parseOrThrow } from '../../core/config/validate.js';
import { locateClaudeBinary } from '../../client/health-check.js';
import { parseServerOptions, readServerEnv, serverFieldsSchema } from '../../http/server-options.js';
import { resolveServeOptions } from '../serve/resolve-serve-options.js';
import { loadCliConfig, type ConfigOrigin, type Env } from '../shared/load-cli-config.js';
import { redact } from './redact.js';

/** One resolved value and where it came from. */
export interface ConfigEntry {
  readonly value: unknown;
  readonly source: 'default' | 'file' | 'env';
  /** With `source: 'env'`: the variable. */
  readonly variable?: string;
  /** With `source: 'file'`: the file. */
  readonly path?: string;
  readonly note?: string;
}

/** Stable JSON of `config show --json`. */
export interface ConfigReport {
  readonly file: string | null;
  /** Library settings used by every command (fields with a value or a default). */
  readonly wrapper: Readonly<Record<string, ConfigEntry>>;
  /** Proxy settings used by `serve` (flags may still override them). */
  readonly server: Readonly<Record<string, ConfigEntry>>;
}

/**
 * Resolve and describe the configuration.
 * @throws {@link ClaudeCodeValidationError} naming the invalid field and its file or variable.
 * @throws {@link ClaudeCodeConfigurationError} when the file cannot be read or parsed.
 */
export function describeConfig(file: string | undefined, env: Env = process.env): ConfigReport {
  const config = loadCliConfig(file, env);
  // Checked first so a bad `server` section is named with its file.
  parseOrThrow(serverFieldsSchema, config.server, `config file ${config.file ?? ''} -> server`);
  const envServer = readServerEnv(env);
  // Exactly what `serve` resolves without flags: the same function, the same schema and defaults.
  const { wrapper: serveWrapper, ...server } = parseServerOptions(
    resolveServeOptions(file === undefined ? {} : { config: file }, env),
  );

  const wrapper: Record<string, ConfigEntry> = {};
  const values = config.wrapper as Record<string, unknown>;
  const defaults = CONFIG_DEFAULTS as Readonly<Record<string, unknown>>;
  for (const field of Object.keys(configSchema.shape)) {
    const origin = config.origins[field as keyof typeof config.origins];
    if (origin) wrapper[field] = entry(field, values[field], origin);
    else if (field === 'claudeBinary') wrapper[field] = describeBinaryLookup(env);
    else if (field in defaults) wrapper[field] = entry(field, defaults[field], { kind: 'default' });
  }

  const serverEntries: Record<string, ConfigEntry> = {};
  for (const [field, value] of Object.entries(server)) {
    const variable = envServer.variables[field as keyof typeof envServer.variables];
    const origin: ConfigOrigin = variable
      ? { kind: 'env', variable }
      : config.file && field in config.server
        ? { kind: 'file', path: config.file }
        : { kind: 'default' };
    serverEntries[field] = entry(field, value, origin);
  }
  // The proxy's log level has its own default (see the server schema's `wrapper.logLevel`).
  serverEntries['logLevel'] = entry(
    'logLevel',
    serveWrapper.logLevel,
    config.origins.logLevel ?? { kind: 'default' },
  );
  return { file: config.file ?? null, wrapper, server: serverEntries };
}

function entry(field: string, value: unknown, origin: ConfigOrigin): ConfigEntry {
  const shown = redact(field, value);
  switch (origin.kind) {
    case 'env':
      return { value: shown, source: 'env', variable: origin.variable };
    case 'file':
      return { value: shown, source: 'file', path: origin.path };
    default:
      return { value: shown, source: 'default' };
  }
}

// The binary is not a fixed default: show what the lookup (the npm package, then PATH) finds.
function describeBinaryLookup(env: Env): ConfigEntry {
  try {
    const found = locateClaudeBinary(undefined, env);
    return { value: found.path, source: 'default', note: `found via ${found.source}` };
  } catch {
    return {
      value: null,
      source: 'default',
      note: 'not found: install @anthropic-ai/claude-code or set CLAUDE_BINARY',
    };
  }
}
