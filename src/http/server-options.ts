/**
 * @module
 * The proxy server's configuration: one zod schema, read from code, a JSON file, env and flags.
 */
import { z } from 'zod';
import { readEnvTable, type EnvSource, type EnvTable, type EnvValues } from '../core/config/env.js';
import { configSchema, LOG_LEVELS } from '../core/config/schema.js';
import { parseOrThrow } from '../core/config/validate.js';
import { modelName } from '../compat/model-name.js';
import { keyEntriesSchema, MIN_KEY_LENGTH } from './key-options.js';
import { KEPT_PROCESS_DEFAULTS, MAX_KEPT_PROCESSES } from '../gateway/conversation-affinity.js';

const MIB = 1024 * 1024;

/**
 * The proxy's wrapper configuration: the library's, except that the proxy logs at `info` by default
 * (one access-log line per request) where the library logs at `warn`.
 */
const serverWrapperSchema = configSchema
  .extend({
    /** Log level of the proxy and its runs. Env: `CLAUDE_LOG_LEVEL`. @default 'info' (the access log) */
    logLevel: z.enum(LOG_LEVELS).default('info'),
  })
  .strict();

/** Schema of {@link ServerOptions}. */
export const serverOptionsSchema = z
  .object({
    /** Interface to bind. Anything but loopback requires `apiKeys`. @default '127.0.0.1' */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free one. @default 8787 */
    port: z.number().int().min(0).max(65_535).default(8787),
    /** Accepted API keys (`x-api-key` or `Authorization: Bearer`). Env: `CLAUDE_WRAPPER_API_KEYS` (comma-separated). */
    apiKeys: z
      .array(z.string().min(MIN_KEY_LENGTH, `API keys must be at least ${MIN_KEY_LENGTH} characters`))
      .default([]),
    /**
     * Named API keys with limits of their own, accepted beside `apiKeys`: `{ name, key | keyEnv,
     * requestsPerMinute, maxConcurrent, dailyUsd, monthlyUsd }` (README "Per-key budgets"). Over
     * a limit: 429 `rate_limit_error` with `retry-after`. @default none
     */
    keys: keyEntriesSchema,
    /**
     * Browser origins (`https://app.example.com`, or `*`) allowed to call the proxy, with CORS. A
     * request carrying any other `Origin` is refused (403), so a web page cannot make the proxy run
     * prompts. Env: `CLAUDE_WRAPPER_ALLOWED_ORIGINS` (comma-separated). @default none
     */
    allowedOrigins: z.array(z.string().min(1)).default([]),
    /**
     * `Host` header values accepted (`name` or `name:port`, or `*`), against DNS rebinding. Default:
     * the bound host and localhost / 127.0.0.1 / [::1] on the server's port; any host when bound to
     * 0.0.0.0 or :: (where API keys are required). Env: `CLAUDE_WRAPPER_ALLOWED_HOSTS` (comma-separated).
     */
    allowedHosts: z.array(z.string().min(1)).optional(),
    /** Largest accepted request body. @unit bytes @default 20 MiB (room for images) */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    /** CLI runs executing at once. @default 4 */
    maxConcurrent: z.number().int().positive().default(4),
    /** Requests waiting for a run slot before 529/503. @default 32 */
    maxQueue: z.number().int().nonnegative().default(32),
    /** Per-API-key requests per minute (a key of `keys` may set its own); 0 disables. @default 0 */
    requestsPerMinute: z.number().int().nonnegative().default(0),
    /**
     * Redis shared by every replica of the proxy: the conversation map and the CLI session
     * transcripts (a conversation continues on any replica, resumed), stored Responses API responses,
     * client tool runs answered elsewhere, the response cache, and per-key usage and limits
     * (requests per minute, runs at once, spend). `sessionStoreRedisUrl` and the wrapper's
     * `redisUrl` win where set. Without it each server keeps them itself. Env: `CLAUDE_WRAPPER_REDIS_URL`.
     */
    redisUrl: z.string().url().optional(),
    /** Directory of the embedded store keeping the spend of `keys` across restarts when there is no `redisUrl`. @default `~/.claude-code-wrapper/usage`; `:memory:` keeps it in memory */
    usageStorePath: z.string().min(1).optional(),
    /**
     * Give remote callers Claude Code's built-in tools (Bash, Read, Write...), in the server's
     * working directory and with the server owner's Claude Code customizations (hooks, MCP servers,
     * CLAUDE.md...), which are otherwise off for callers (`owner-customizations.ts`). @default false
     */
    allowCliTools: z.boolean().default(false),
    /** Reject parameters the CLI cannot honour (temperature, top_p...) with 400 instead of ignoring them. @default false */
    strict: z.boolean().default(false),
    /** `system` replaces Claude Code's own system prompt (`replace`), or is appended to it. @default 'replace' */
    systemPromptMode: z.enum(['replace', 'append']).default('replace'),
    /** On SIGTERM, how long in-flight runs may finish before they are killed. @unit milliseconds @default 30000 */
    drainTimeoutMs: z.number().int().nonnegative().default(30_000),
    /** Directory of the embedded store mapping conversation prefixes to CLI sessions (survives restarts). @default `~/.claude-code-wrapper/sessions`; `:memory:` keeps it in memory */
    sessionStorePath: z.string().min(1).optional(),
    /** Keep that map in Redis instead, shared by several proxy processes. */
    sessionStoreRedisUrl: z.string().url().optional(),
    /**
     * Most pre-spawned CLI processes kept ready per launch configuration (at most `maxConcurrent`):
     * the pool follows recent concurrency between `warmPoolMinIdle` and this, so a burst finds
     * its processes ready the next time. `warmPool` in the wrapper config wins when set; 0 disables.
     * Env: `CLAUDE_WRAPPER_WARM_POOL_SIZE`. @default 4
     */
    warmPoolSize: z.number().int().nonnegative().max(32).default(4),
    /**
     * Ready processes kept per configuration in use however quiet it is, until it has been unused
     * for 5 minutes (each holds ~170 MB and ~0.01 CPU-s per second). 0: none once a minute has
     * passed without requests, so an idle server holds only itself (~80 MB), and the first request
     * after a quiet minute starts its CLI cold (raw `claude -p` speed).
     * Env: `CLAUDE_WRAPPER_WARM_POOL_MIN_IDLE`. @default 1
     */
    warmPoolMinIdle: z.number().int().nonnegative().max(32).default(1),
    /**
     * CLI processes kept alive after answering, each for its conversation's next turn: a request
     * that continues exactly that conversation (same history, model, system prompt and run
     * settings) sends its new turn to the same process, with no start-up and no resume
     * (`x-claude-code-context: continued`). Least recently kept out first; 0 disables.
     * Env: `CLAUDE_WRAPPER_CONVERSATION_PROCESSES`. @default 4
     */
    conversationProcesses: z
      .number()
      .int()
      .nonnegative()
      .max(MAX_KEPT_PROCESSES)
      .default(KEPT_PROCESS_DEFAULTS.maxProcesses),
    /**
     * A kept process whose conversation does not continue for this long is ended.
     * Env: `CLAUDE_WRAPPER_CONVERSATION_IDLE_MS`. @unit milliseconds @default 300000
     */
    conversationIdleMs: z.number().int().positive().default(KEPT_PROCESS_DEFAULTS.maxIdleMs),
    /**
     * Resident memory the kept processes may hold together (each measured when kept; a parked CLI
     * holds ~230-260 MB); the least recently kept are ended to stay within it.
     * Env: `CLAUDE_WRAPPER_CONVERSATION_MEMORY_MB`. @unit MiB @default 1024
     */
    conversationMemoryMb: z
      .number()
      .int()
      .positive()
      .default(KEPT_PROCESS_DEFAULTS.maxMemoryBytes / MIB),
    /** A client tool result that arrives after its run's deadline (`toolResultTimeoutMs`): `replay` answers from the history, `reject` answers 400. @default 'replay' */
    expiredToolResults: z.enum(['replay', 'reject']).default('replay'),
    /**
     * A streamed answer that has sent nothing for this long gets a keep-alive: `event: ping` on the
     * Messages API (as the real API sends), an SSE comment on OpenAI streams. A stream whose first
     * event takes this long is started with a ping instead of waiting silently. 0 disables.
     * @unit milliseconds @default 10000
     */
    ssePingIntervalMs: z.number().int().nonnegative().default(10_000),
    /**
     * Model run for a requested name that is not a Claude model, alias or `modelMap` entry (e.g.
     * `gpt-4o-2024-08-06`); the answer carries an `x-claude-code-warnings` entry naming both.
     * Env: `CLAUDE_WRAPPER_DEFAULT_MODEL`. @default the wrapper's `model`, else the CLI's default
     */
    defaultModel: modelName.optional(),
    /**
     * Requested model name (any case) → the Claude model or alias it runs, merged over the built-in
     * map (`gpt-4o` → `sonnet`, `gpt-4o-mini` → `haiku`, `o3` → `opus`, ...: `DEFAULT_MODEL_MAP`
     * in `src/gateway/run-model.ts`). Env: `CLAUDE_WRAPPER_MODEL_MAP` (`gpt-4o=opus,my-model=haiku`).
     */
    modelMap: z.record(modelName, modelName).optional(),
    /** Options for every CLI run (model, timeouts, env...). */
    wrapper: serverWrapperSchema.prefault({}),
  })
  .strict();

/** Validated server options. */
export type ServerOptions = z.infer<typeof serverOptionsSchema>;

/** Server options as a caller may give them (defaults filled in later). */
export type ServerOptionsInput = z.input<typeof serverOptionsSchema>;

/** Validate server options; errors name the field. */
export function parseServerOptions(input: unknown): ServerOptions {
  return parseOrThrow(serverOptionsSchema, input, 'server');
}

/** Fields of {@link ServerOptions} other than `wrapper`. */
export type ServerField = Exclude<keyof ServerOptions, 'wrapper'>;

/**
 * Environment variables read by `serve` (and `config show`): name → server option → type →
 * description. The one list of `CLAUDE_WRAPPER_*` variables; flags override them, they override the
 * config file's `server` section.
 */
export const SERVER_ENV_VARS: EnvTable<ServerField> = {
  CLAUDE_WRAPPER_HOST: { path: 'host', type: 'string', description: 'interface to bind' },
  CLAUDE_WRAPPER_PORT: { path: 'port', type: 'number', description: 'TCP port (0 picks a free one)' },
  CLAUDE_WRAPPER_API_KEYS: {
    path: 'apiKeys',
    type: 'list',
    description: 'accepted API keys, comma-separated',
  },
  CLAUDE_WRAPPER_ALLOWED_ORIGINS: {
    path: 'allowedOrigins',
    type: 'list',
    description: 'browser origins allowed to call the proxy (CORS), comma-separated',
  },
  CLAUDE_WRAPPER_ALLOWED_HOSTS: {
    path: 'allowedHosts',
    type: 'list',
    description: '`Host` header values accepted, comma-separated',
  },
  CLAUDE_WRAPPER_MAX_CONCURRENT: { path: 'maxConcurrent', type: 'number', description: 'CLI runs at once' },
  CLAUDE_WRAPPER_RPM: {
    path: 'requestsPerMinute',
    type: 'number',
    description: 'per-API-key requests per minute; 0 disables',
  },
  CLAUDE_WRAPPER_REDIS_URL: {
    path: 'redisUrl',
    type: 'string',
    description: 'Redis the replicas share: conversations, responses, tool runs, cache, per-key usage',
  },
  CLAUDE_WRAPPER_ALLOW_TOOLS: {
    path: 'allowCliTools',
    type: 'boolean',
    description: "give callers Claude Code's built-in tools",
  },
  CLAUDE_WRAPPER_STRICT: {
    path: 'strict',
    type: 'boolean',
    description: 'reject parameters the CLI cannot honour with 400',
  },
  CLAUDE_WRAPPER_WARM_POOL_SIZE: {
    path: 'warmPoolSize',
    type: 'number',
    description: 'most CLI processes kept ready per configuration (follows recent concurrency); 0 disables',
  },
  CLAUDE_WRAPPER_WARM_POOL_MIN_IDLE: {
    path: 'warmPoolMinIdle',
    type: 'number',
    description: 'CLI processes kept ready however quiet (0: none after a minute without requests)',
  },
  CLAUDE_WRAPPER_CONVERSATION_PROCESSES: {
    path: 'conversationProcesses',
    type: 'number',
    description: "CLI processes kept for their conversation's next turn; 0 disables",
  },
  CLAUDE_WRAPPER_CONVERSATION_IDLE_MS: {
    path: 'conversationIdleMs',
    type: 'number',
    description: 'end a kept process whose conversation does not continue for this long (ms)',
  },
  CLAUDE_WRAPPER_CONVERSATION_MEMORY_MB: {
    path: 'conversationMemoryMb',
    type: 'number',
    description: 'resident memory the kept processes may hold together (MiB)',
  },
  CLAUDE_WRAPPER_MODEL_MAP: {
    path: 'modelMap',
    type: 'map',
    description: 'requested model → Claude model or alias (`gpt-4o=opus,o3=sonnet`), over the built-in map',
  },
  CLAUDE_WRAPPER_DEFAULT_MODEL: {
    path: 'defaultModel',
    type: 'string',
    description: 'model for unknown (non-Claude, unmapped) model names',
  },
};

/** The server fields alone, every one optional: what a file's `server` section or the env may set. */
export const serverFieldsSchema = serverOptionsSchema.omit({ wrapper: true }).partial();

/**
 * Server settings from `CLAUDE_WRAPPER_*` variables, parsed and validated, with the variable that
 * set each field.
 * @throws {@link ClaudeCodeValidationError} naming the variable and the value.
 */
export function readServerEnv(env: EnvSource = process.env): EnvValues<ServerField> {
  return readEnvTable(SERVER_ENV_VARS, env, serverFieldsSchema);
}

/**
 * Server settings from environment variables (`CLAUDE_WRAPPER_*`).
 * @throws {@link ClaudeCodeValidationError} naming the variable and the value.
 */
export function serverOptionsFromEnv(env: EnvSource = process.env): ServerOptionsInput {
  return readServerEnv(env).values as ServerOptionsInput;
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
