/**
 * @module
 * The one zod schema for library configuration. Types are inferred from it, so the documentation
 * below and the validation cannot drift apart.
 */
import { z } from 'zod';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../json-depth.js';

/** Permission modes the CLI accepts for `--permission-mode`. */
export const PERMISSION_MODES = [
  'default',
  'acceptEdits',
  'bypassPermissions',
  'plan',
  'dontAsk',
  'auto',
] as const;

/** Effort levels the CLI accepts for `--effort`. */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;

/** Log levels (pino's, plus `silent`). */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

// Fixed defaults live on the fields themselves. The fields stay optional (a per-call option that is
// not given must not override the wrapper's configuration with a default); the consumers fill in
// `CONFIG_DEFAULTS`, and `config show` prints them.
const FIELD_DEFAULTS = new WeakMap<z.ZodType, unknown>();

/** `schema`, optional, with `value` recorded as its default (type-checked against the schema). */
function withDefault<T extends z.ZodType>(schema: T, value: z.output<T>): z.ZodOptional<T> {
  const optional = schema.optional();
  FIELD_DEFAULTS.set(optional, value);
  return optional;
}

const toolName = z.string().min(1, 'tool names must not be empty');

/**
 * A model alias or id as the CLI takes it: `sonnet`, `claude-opus-4-1[1m]`,
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0`, `claude-sonnet-4-5@20250929`, an ARN path. At most
 * 128 characters and no leading `-`: the value reaches argv, and a proxy request can carry any
 * string here.
 */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]{0,127}$/;
const modelName = z
  .string()
  .regex(MODEL_NAME, 'must be a model alias or id (letters, digits and ._:@/[]-, at most 128 characters)');
/** `--fallback-model` takes a comma-separated list, in order of preference. */
const modelList = z
  .string()
  .max(1024, 'must be at most 1024 characters')
  .refine(
    (value) => value.split(',').every((name) => MODEL_NAME.test(name.trim())),
    'must be model aliases or ids separated by commas',
  );
// Serialised onto argv or stdin with JSON.stringify, which overflows the stack on deep nesting.
const jsonObject = z
  .record(z.string(), z.unknown())
  .refine((value) => !exceedsJsonDepth(value), `must not nest deeper than ${MAX_JSON_DEPTH} levels`);

/**
 * Options that shape one CLI run. Every field is optional; per-call options override the wrapper's
 * configuration field by field.
 */
export const runOptionsSchema = z
  .object({
    /** Path to the `claude` binary. Fallbacks: `CLAUDE_BINARY`, the project's `@anthropic-ai/claude-code` package, `PATH`. */
    claudeBinary: z.string().min(1).optional(),
    /** Total time limit for one run; the CLI is killed when exceeded. @unit milliseconds @default 600000 */
    timeoutMs: withDefault(z.number().int().positive(), 600_000),
    /** Kill the run when the CLI prints nothing for this long (0 disables). Catches stalled API streams, which the CLI itself only notices after 5 minutes. @unit milliseconds @default 300000 */
    idleTimeoutMs: withDefault(z.number().int().nonnegative(), 300_000),
    /** Grace period between SIGTERM and SIGKILL. @unit milliseconds @default 2000 */
    killGraceMs: withDefault(z.number().int().nonnegative(), 2_000),
    /** Model alias (`opus`, `sonnet`, `fable`) or full model id (`--model`). */
    model: modelName.optional(),
    /** Model(s) to use when the main one is overloaded, comma-separated (`--fallback-model`). */
    fallbackModel: modelList.optional(),
    /** Replaces Claude Code's own system prompt (`--system-prompt`). */
    systemPrompt: z.string().optional(),
    /** Appended to the system prompt (`--append-system-prompt`). */
    appendSystemPrompt: z.string().optional(),
    /** Maximum agentic turns (model calls) per prompt (`--max-turns`). */
    maxTurns: z.number().int().positive().optional(),
    /** Tools allowed without prompting, e.g. `Bash(git:*)` (`--allowedTools`). */
    allowedTools: z.array(toolName).optional(),
    /** Tools removed from the model's context (`--disallowedTools`). */
    disallowedTools: z.array(toolName).optional(),
    /** The built-in tool set: `[]` disables all tools, `['default']` keeps all (`--tools`). */
    tools: z.array(toolName).optional(),
    /** MCP servers: a path to a JSON file, or the `{ mcpServers: {...} }` object (`--mcp-config`). */
    mcpConfig: z.union([z.string().min(1), jsonObject]).optional(),
    /** Only use MCP servers from `mcpConfig` (`--strict-mcp-config`). */
    strictMcpConfig: z.boolean().optional(),
    /** Permission mode (`--permission-mode`). As root, `bypassPermissions` needs `IS_SANDBOX=1` in `env`. */
    permissionMode: z.enum(PERMISSION_MODES).optional(),
    /** Working directory of the CLI process; sessions are stored per directory. @default process.cwd() */
    workingDirectory: z.string().min(1).optional(),
    /** Run each CLI process in a fresh, empty temporary directory (removed when it exits), so it sees no files of yours. The proxy's default for remote callers. @default false */
    isolateWorkingDirectory: z.boolean().optional(),
    /** Extra directories the tools may access (`--add-dir`). */
    addDirs: z.array(z.string().min(1)).optional(),
    /** Environment variables set in the CLI's environment (on top of the inherited allow-list). */
    env: z.record(z.string(), z.string()).optional(),
    /**
     * More of this process's environment variables the CLI may inherit, beyond the built-in
     * allow-list (`INHERITED_ENV`): exact names, or prefixes ending in `_` (e.g. variables your MCP
     * servers or hooks read). `CLAUDE_WRAPPER_*` is never inherited.
     */
    inheritEnv: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name or a prefix ending in _'),
      )
      .optional(),
    /** Settings file path or settings object (`--settings`). */
    settings: z.union([z.string().min(1), jsonObject]).optional(),
    /** Stop when the run's cost exceeds this (`--max-budget-usd`). @unit USD */
    maxBudgetUsd: z.number().positive().optional(),
    /** JSON Schema for structured output (`--json-schema`); the parsed value is `structuredOutput`. */
    jsonSchema: jsonObject.optional(),
    /** Write the session transcript so it can be resumed (`--no-session-persistence` when false). @default true */
    sessionPersistence: withDefault(z.boolean(), true),
    /** Emit token-level `text_delta` events (`--include-partial-messages`). @default true for streaming, false for `run` */
    includePartialMessages: z.boolean().optional(),
    /** Reasoning effort (`--effort`). */
    effort: z.enum(EFFORT_LEVELS).optional(),
    /** Throw {@link ClaudeCodeRunError} instead of returning a response with `isError`. @default false */
    throwOnError: withDefault(z.boolean(), false),
    /** How often the CLI itself retries a failed API call (`CLAUDE_CODE_MAX_RETRIES`). The CLI's own default is 10 with backoff up to ~30 s; the wrapper defaults to 2, like the Anthropic SDK. @default 2 */
    cliMaxRetries: withDefault(z.number().int().nonnegative().max(20), 2),
    /** How long a run suspended on client tool calls (the caller's own tools, see `src/tools/`) waits for the caller's results before it is stopped and its process freed. @unit milliseconds @default 300000 */
    toolResultTimeoutMs: withDefault(z.number().int().positive(), 300_000),
    /** Extra CLI flags for options this wrapper does not model: `{ '--betas': 'x' }`, `null` for a bare flag. */
    extraArgs: z
      .record(z.string().regex(/^--[a-z0-9-]+$/, 'must look like --some-flag'), z.string().nullable())
      .optional(),
  })
  .strict();

/** Wrapper-wide settings that are not per-run CLI options. */
export const wrapperSettingsSchema = z
  .object({
    /** Log level of the wrapper's pino logger. Env: `CLAUDE_LOG_LEVEL`. @default 'warn' */
    logLevel: withDefault(z.enum(LOG_LEVELS), 'warn'),
    /** Retries done by the wrapper for retryable failures (resilience layer). @default 0 */
    maxRetries: withDefault(z.number().int().nonnegative().max(20), 0),
    /** First retry delay. @unit milliseconds @default 500 */
    retryDelayMs: withDefault(z.number().int().nonnegative(), 500),
    /** Multiplier applied to the delay after each retry. @default 2 */
    retryBackoffFactor: withDefault(z.number().min(1), 2),
    /** Upper bound for one retry delay. @unit milliseconds @default 8000 */
    maxRetryDelayMs: withDefault(z.number().int().nonnegative(), 8_000),
    /** Also retry runs that hit `timeoutMs`/`idleTimeoutMs`. @default false */
    retryOnTimeout: withDefault(z.boolean(), false),
    /** Open the circuit after `threshold` consecutive retryable failures; try again after `halfOpenAfterMs`. Off by default. */
    circuitBreaker: z
      .object({
        threshold: z.number().int().positive(),
        halfOpenAfterMs: z.number().int().positive(),
      })
      .strict()
      .optional(),
    /** CLI runs at once from this wrapper (0 = unlimited). @default 0 */
    maxConcurrent: withDefault(z.number().int().nonnegative(), 0),
    /** Calls that may wait for a slot when `maxConcurrent` is reached; beyond, {@link ClaudeCodeQueueFullError}. @default 100 */
    maxQueue: withDefault(z.number().int().nonnegative(), 100),
    /** Client-side rate limit: calls per minute (0 = off). Waits for a token rather than failing. @default 0 */
    requestsPerMinute: withDefault(z.number().int().nonnegative(), 0),
    /** Redis URL for the shared rate limiter and cache (e.g. `redis://127.0.0.1:6379`). */
    redisUrl: z.string().url().optional(),
    /** Opt-in response cache for deterministic prompts. */
    cache: z
      .object({
        /** Entry lifetime. @unit milliseconds */
        ttlMs: z.number().int().positive(),
        /** `file` (embedded LMDB directory, survives restarts, shared by every process on the machine), `redis` (shared, needs `redisUrl`) or `memory`. @default 'file' */
        store: z.enum(['file', 'redis', 'memory']).optional(),
        /** Directory of the embedded store. @default `~/.claude-code-wrapper/cache` */
        path: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Pre-spawned, initialised CLI processes per distinct launch configuration, handed a request at once. Off by default. */
    warmPool: z
      .object({
        /** Most processes kept ready per launch configuration: the pool follows recent concurrency between `minIdle` and this. */
        size: z.number().int().positive().max(32),
        /** Processes kept ready per configuration in use however quiet it is (each holds ~170-230 MB); 0 keeps none beyond recent demand. @default 1 (at most `size`) */
        minIdle: z.number().int().nonnegative().max(32).optional(),
        /** Most pooled processes at once over all configurations, busy ones included. @default `maxConcurrent` + 1 when `maxConcurrent` is set, else unbounded */
        maxProcesses: z.number().int().positive().optional(),
        /** How long a burst's concurrency keeps its processes ready. @unit milliseconds @default 60000 */
        demandWindowMs: z.number().int().positive().optional(),
        /** Retire idle processes after this long; a configuration unused this long is not refilled. @unit milliseconds @default 300000 */
        maxIdleMs: z.number().int().positive().optional(),
        /** Requests one process may serve (1 = fresh process each time). @default 1 */
        maxUses: z.number().int().positive().optional(),
        /** How a reused process forgets the previous request: `clear` (/clear: new session id, resumable) or `rewind` (rewind_conversation: nothing injected, no session persistence). @default 'clear' */
        reuse: z.enum(['clear', 'rewind']).optional(),
        /** Distinct launch configurations kept warm at once (least recently used dropped). @default 4 */
        maxConfigs: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** Keep in-memory metrics (`getMetrics()`). @default true */
    enableMetrics: withDefault(z.boolean(), true),
    /** How many recent latencies to keep for p50/p95. @default 1000 */
    metricsWindow: withDefault(z.number().int().positive(), 1_000),
  })
  .strict();

/** Full configuration schema: run defaults plus wrapper settings. */
export const configSchema = runOptionsSchema.extend(wrapperSettingsSchema.shape).strict();

/** Options that shape one CLI run (all optional). */
export type ClaudeRunConfig = z.infer<typeof runOptionsSchema>;

/** The wrapper's complete configuration. */
export type ClaudeCodeConfig = z.infer<typeof configSchema>;

/** Fields whose default is a fixed value (others depend on the call: `workingDirectory`, `includePartialMessages`, `isolateWorkingDirectory`...). */
type DefaultedField =
  | 'timeoutMs'
  | 'idleTimeoutMs'
  | 'killGraceMs'
  | 'sessionPersistence'
  | 'throwOnError'
  | 'cliMaxRetries'
  | 'toolResultTimeoutMs'
  | 'logLevel'
  | 'maxRetries'
  | 'retryDelayMs'
  | 'retryBackoffFactor'
  | 'maxRetryDelayMs'
  | 'retryOnTimeout'
  | 'maxConcurrent'
  | 'maxQueue'
  | 'requestsPerMinute'
  | 'enableMetrics'
  | 'metricsWindow';

/** The library's defaults, read from the schema's fields (the `@default` of each field above). */
export type ConfigDefaults = { readonly [K in DefaultedField]-?: NonNullable<ClaudeCodeConfig[K]> };

/** The library's defaults, read from {@link configSchema}: the one place they are written. */
export const CONFIG_DEFAULTS: ConfigDefaults = Object.freeze(
  Object.fromEntries(
    Object.entries(configSchema.shape).flatMap(([field, schema]) =>
      FIELD_DEFAULTS.has(schema) ? [[field, FIELD_DEFAULTS.get(schema)]] : [],
    ),
  ),
) as ConfigDefaults;
