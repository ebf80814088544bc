/**
 * claude-code-wrapper: the official Claude Code CLI as a dependable programmatic backend.
 * @module
 */
export { askClaude, askClaudeJson } from './client/ask.js';
export { ClaudeCodeWrapper, type WrapperDependencies } from './client/wrapper.js';
export { ClaudeRun } from './client/claude-run.js';
export {
  ClaudeSession,
  type ClaudeSessionOptions,
  type SessionTurnOptions,
  type SessionHistoryEntry,
} from './client/session.js';
export type { RunOptions, ResumeOptions } from './client/run-options.js';
export { loadConfig, CONFIG_ENV_VARS, type LoadConfigOptions } from './core/config/load-config.js';
export {
  configSchema,
  runOptionsSchema,
  PERMISSION_MODES,
  EFFORT_LEVELS,
  LOG_LEVELS,
  type ClaudeCodeConfig,
  type ClaudeRunConfig,
} from './core/config/schema.js';
export * from './core/errors/index.js';
export type * from './core/events.js';
export type { CliMessage } from './core/cli-message.js';
export type { ClaudeCodeResponse, RunMetrics, ClaudeErrorType, PermissionDenial } from './core/response.js';
export type { Prompt, PromptBlock, TextBlock, ImageBlock } from './core/prompt.js';
export type { WrapperMetrics } from './observability/run-metrics.js';
export { processTreeUsage, type ProcessTreeUsage } from './observability/process-tree.js';
export {
  findClaudeBinary,
  type ResolvedBinary,
  type BinarySource,
  type FindBinaryOptions,
} from './process/find-binary.js';
export {
  healthCheck,
  detectCredentials,
  type HealthReport,
  type HealthCheckOptions,
  type CredentialSource,
} from './client/health-check.js';
export type { DeepCheckResult, DeepCheckOutcome } from './client/deep-check.js';
export { readinessLine } from './client/readiness.js';
export { TESTED_CLI_RANGE } from './process/cli-version.js';
export type { BreakerState } from './resilience/resilience-policy.js';
export { ResponseCache, type CacheSettings } from './cache/response-cache.js';
export { MemoryKeyValueStore, type KeyValueStore } from './storage/key-value-store.js';
export { FileKeyValueStore } from './storage/file-store.js';
export { RedisKeyValueStore } from './storage/redis-store.js';
export {
  openSessionStore,
  KeyValueSessionStore,
  MemorySessionStore,
  type SessionStore,
  type SessionStoreLocation,
} from './session/session-store.js';
export { createServer, type ProxyServer, type CreateServerDependencies } from './http/server.js';
export { serverOptionsSchema, type ServerOptions, type ServerOptionsInput } from './http/server-options.js';
export { ClaudeCodeAnthropic } from './sdk-client/index.js';
export { AnthropicMessagesService, type ResultMeta } from './gateway/index.js';
export { AnthropicApiError, toAnthropicError } from './compat/anthropic/index.js';
