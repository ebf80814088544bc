/**
 * @module
 * Configuration from a JSON file and environment variables, over the defaults. Code passes its own
 * values to `new ClaudeCodeWrapper(config)`, which override what is loaded here.
 */
import { readFileSync } from 'node:fs';
import { ClaudeCodeConfigurationError } from '../errors/index.js';
import { configSchema, type ClaudeCodeConfig } from './schema.js';
import { parseOrThrow } from './validate.js';

/** Where {@link loadConfig} reads from. */
export interface LoadConfigOptions {
  /** JSON config file. @default env.CLAUDE_CONFIG_PATH */
  readonly file?: string;
  /** Environment to read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type EnvParser = (raw: string) => unknown;

const list: EnvParser = (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const num: EnvParser = (raw) => (raw.trim() === '' ? raw : Number(raw));
const bool: EnvParser = (raw) =>
  /^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : raw;
const str: EnvParser = (raw) => raw;

/** Environment variables read by {@link loadConfig}, and the config field each sets. */
export const CONFIG_ENV_VARS: Readonly<Record<string, readonly [keyof ClaudeCodeConfig, EnvParser]>> = {
  CLAUDE_BINARY: ['claudeBinary', str],
  CLAUDE_MODEL: ['model', str],
  CLAUDE_FALLBACK_MODEL: ['fallbackModel', str],
  CLAUDE_TIMEOUT_MS: ['timeoutMs', num],
  CLAUDE_IDLE_TIMEOUT_MS: ['idleTimeoutMs', num],
  CLAUDE_SYSTEM_PROMPT: ['systemPrompt', str],
  CLAUDE_APPEND_SYSTEM_PROMPT: ['appendSystemPrompt', str],
  CLAUDE_MAX_TURNS: ['maxTurns', num],
  CLAUDE_ALLOWED_TOOLS: ['allowedTools', list],
  CLAUDE_DISALLOWED_TOOLS: ['disallowedTools', list],
  CLAUDE_TOOLS: ['tools', list],
  CLAUDE_INHERIT_ENV: ['inheritEnv', list],
  CLAUDE_PERMISSION_MODE: ['permissionMode', str],
  CLAUDE_WORKING_DIRECTORY: ['workingDirectory', str],
  CLAUDE_MAX_BUDGET_USD: ['maxBudgetUsd', num],
  CLAUDE_CLI_MAX_RETRIES: ['cliMaxRetries', num],
  CLAUDE_SESSION_PERSISTENCE: ['sessionPersistence', bool],
  CLAUDE_LOG_LEVEL: ['logLevel', str],
  CLAUDE_MAX_RETRIES: ['maxRetries', num],
};

/**
 * Load configuration: defaults, then the JSON file, then environment variables (later wins).
 *
 * @example
 * ```ts
 * const wrapper = new ClaudeCodeWrapper({ ...loadConfig(), model: 'sonnet' });
 * ```
 * @throws {@link ClaudeCodeConfigurationError} when the file cannot be read or parsed.
 * @throws {@link ClaudeCodeValidationError} naming the bad field and value.
 */
export function loadConfig({ file, env = process.env }: LoadConfigOptions = {}): ClaudeCodeConfig {
  const path = file ?? env['CLAUDE_CONFIG_PATH'];
  const fromFile = path ? readConfigFile(path) : {};
  const fromEnv: Record<string, unknown> = {};
  for (const [name, [field, parse]] of Object.entries(CONFIG_ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const one = parseOrThrow(configSchema, { [field]: parse(raw) }, `environment variable ${name} ->`);
    fromEnv[field] = one[field];
  }
  // A `server` section holds the proxy's settings (see `claude-wrapper serve --config`); it is not ours.
  const { server: _server, ...wrapperPart } = fromFile;
  const fileConfig = parseOrThrow(configSchema, wrapperPart, path ? `config file ${path} ->` : 'config');
  const envConfig = fromEnv as ClaudeCodeConfig;
  return { ...fileConfig, ...envConfig };
}

/**
 * Read a JSON config file as an object.
 * @throws {@link ClaudeCodeConfigurationError} when it is unreadable, not JSON, or not an object.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ClaudeCodeConfigurationError(`Cannot read config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ClaudeCodeConfigurationError(
      `Config file ${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ClaudeCodeConfigurationError(`Config file ${path} must contain a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
