/**
 * @module
 * Configuration from a JSON file and environment variables, over the defaults. Code passes its own
 * values to `new ClaudeCodeWrapper(config)`, which override what is loaded here.
 */
import { readFileSync } from 'node:fs';
import { ClaudeCodeConfigurationError } from '../errors/index.js';
import { configSchema, type ClaudeCodeConfig } from './schema.js';
import { readEnvTable, type EnvSource, type EnvTable, type EnvValues } from './env.js';
import { parseOrThrow } from './validate.js';

/** Where {@link loadConfig} reads from. */
export interface LoadConfigOptions {
  /** JSON config file. @default env.CLAUDE_CONFIG_PATH */
  readonly file?: string;
  /** Environment to read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Environment variables read by {@link loadConfig}: name → config field → type → description. The
 * one list of `CLAUDE_*` variables (`config show` and the README are checked against it).
 */
export const CONFIG_ENV_VARS: EnvTable<keyof ClaudeCodeConfig> = {
  CLAUDE_BINARY: { path: 'claudeBinary', type: 'string', description: 'path of the `claude` binary' },
  CLAUDE_MODEL: { path: 'model', type: 'string', description: 'model alias or id (`--model`)' },
  CLAUDE_FALLBACK_MODEL: {
    path: 'fallbackModel',
    type: 'string',
    description: 'model(s) used when the main one is overloaded, comma-separated',
  },
  CLAUDE_TIMEOUT_MS: { path: 'timeoutMs', type: 'number', description: 'total time per run (ms)' },
  CLAUDE_IDLE_TIMEOUT_MS: {
    path: 'idleTimeoutMs',
    type: 'number',
    description: 'kill a run silent for this long (ms); 0 disables',
  },
  CLAUDE_SYSTEM_PROMPT: {
    path: 'systemPrompt',
    type: 'string',
    description: "replaces Claude Code's system prompt",
  },
  CLAUDE_APPEND_SYSTEM_PROMPT: {
    path: 'appendSystemPrompt',
    type: 'string',
    description: 'appended to the system prompt',
  },
  CLAUDE_MAX_TURNS: { path: 'maxTurns', type: 'number', description: 'agentic turns per prompt' },
  CLAUDE_ALLOWED_TOOLS: {
    path: 'allowedTools',
    type: 'list',
    description: 'tools allowed without prompting',
  },
  CLAUDE_DISALLOWED_TOOLS: {
    path: 'disallowedTools',
    type: 'list',
    description: "tools removed from the model's context",
  },
  CLAUDE_TOOLS: { path: 'tools', type: 'list', description: 'the built-in tool set (`--tools`)' },
  CLAUDE_INHERIT_ENV: {
    path: 'inheritEnv',
    type: 'list',
    description: 'more variables the CLI may inherit: names, or prefixes ending in `_`',
  },
  CLAUDE_PERMISSION_MODE: { path: 'permissionMode', type: 'string', description: '`--permission-mode`' },
  CLAUDE_WORKING_DIRECTORY: {
    path: 'workingDirectory',
    type: 'string',
    description: 'working directory of the CLI',
  },
  CLAUDE_MAX_BUDGET_USD: {
    path: 'maxBudgetUsd',
    type: 'number',
    description: 'stop a run costing more (USD)',
  },
  CLAUDE_CLI_MAX_RETRIES: {
    path: 'cliMaxRetries',
    type: 'number',
    description: "the CLI's own API retries (`CLAUDE_CODE_MAX_RETRIES`)",
  },
  CLAUDE_SESSION_PERSISTENCE: {
    path: 'sessionPersistence',
    type: 'boolean',
    description: 'write session transcripts so they can be resumed',
  },
  CLAUDE_LOG_LEVEL: {
    path: 'logLevel',
    type: 'string',
    description: 'pino level (`silent`…`trace`), to stderr',
  },
  CLAUDE_MAX_RETRIES: {
    path: 'maxRetries',
    type: 'number',
    description: 'wrapper-level retries of retryable failures',
  },
};

/** The variable naming the JSON config file (not a config field, so not in {@link CONFIG_ENV_VARS}). */
export const CONFIG_PATH_ENV_VAR = 'CLAUDE_CONFIG_PATH';

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
  const path = file ?? (env[CONFIG_PATH_ENV_VAR] || undefined);
  const fromFile = path ? readConfigFile(path) : {};
  const fromEnv = readConfigEnv(env).values;
  // A `server` section holds the proxy's settings (see `claude-wrapper serve --config`); it is not ours.
  const { server: _server, ...wrapperPart } = fromFile;
  const fileConfig = parseOrThrow(configSchema, wrapperPart, path ? `config file ${path} ->` : 'config');
  const envConfig = fromEnv as ClaudeCodeConfig;
  return { ...fileConfig, ...envConfig };
}

/**
 * The library's settings from `CLAUDE_*` variables, parsed and validated, with the variable that set
 * each field.
 * @throws {@link ClaudeCodeValidationError} naming the variable and the value.
 */
export function readConfigEnv(env: EnvSource = process.env): EnvValues<keyof ClaudeCodeConfig> {
  return readEnvTable(CONFIG_ENV_VARS, env, configSchema);
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
