/**
 * @module
 * The values the library uses when a field is not configured, for `config show`. They mirror the
 * `@default` tags of the config schema (src/core/config/schema.ts); the run limits and the CLI retry
 * count are imported so they cannot drift.
 */
import { RUN_DEFAULTS } from '../../client/run-options.js';
import type { ClaudeCodeConfig } from '../../core/config/schema.js';
import { DEFAULT_CLI_MAX_RETRIES } from '../../process/build-env.js';

/** Effective defaults of library fields that have one. */
export const WRAPPER_DEFAULTS: Readonly<Partial<Record<keyof ClaudeCodeConfig, unknown>>> = {
  timeoutMs: RUN_DEFAULTS.timeoutMs,
  idleTimeoutMs: RUN_DEFAULTS.idleTimeoutMs,
  killGraceMs: RUN_DEFAULTS.killGraceMs,
  cliMaxRetries: DEFAULT_CLI_MAX_RETRIES,
  sessionPersistence: true,
  logLevel: 'warn',
  maxRetries: 0,
  retryDelayMs: 500,
  retryBackoffFactor: 2,
  maxRetryDelayMs: 8000,
  retryOnTimeout: false,
  maxConcurrent: 0,
  maxQueue: 100,
  requestsPerMinute: 0,
  enableMetrics: true,
  metricsWindow: 1000,
};

/** `serve` settings read from `CLAUDE_WRAPPER_*` variables (see `serverOptionsFromEnv`). */
export const SERVER_ENV_VARS: Readonly<Record<string, string>> = {
  host: 'CLAUDE_WRAPPER_HOST',
  port: 'CLAUDE_WRAPPER_PORT',
  apiKeys: 'CLAUDE_WRAPPER_API_KEYS',
  allowedOrigins: 'CLAUDE_WRAPPER_ALLOWED_ORIGINS',
  allowedHosts: 'CLAUDE_WRAPPER_ALLOWED_HOSTS',
  maxConcurrent: 'CLAUDE_WRAPPER_MAX_CONCURRENT',
  requestsPerMinute: 'CLAUDE_WRAPPER_RPM',
  allowCliTools: 'CLAUDE_WRAPPER_ALLOW_TOOLS',
  strict: 'CLAUDE_WRAPPER_STRICT',
};
