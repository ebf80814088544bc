/**
 * @module
 * The wrapper's structured logger (pino). Secrets are redacted by path; prompts and outputs are only
 * logged at debug level by the callers.
 */
import { pino, type Logger } from 'pino';

/** Paths whose values are never written to logs. */
export const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  '*["x-api-key"]',
  'env.ANTHROPIC_API_KEY',
  'env.ANTHROPIC_AUTH_TOKEN',
  'env.CLAUDE_CODE_OAUTH_TOKEN',
  '*.env.ANTHROPIC_API_KEY',
  '*.env.ANTHROPIC_AUTH_TOKEN',
  '*.env.CLAUDE_CODE_OAUTH_TOKEN',
];

/** A logger; pino's, so callers can pass their own child logger. */
export type WrapperLogger = Logger;

/**
 * Create the default logger, writing JSON lines to stderr (stdout belongs to the caller's data),
 * flushed at least every 250 ms.
 * @param level pino level or `silent`.
 * @param destination File descriptor or file path. @default 2 (stderr)
 */
export function createLogger(level: string = 'warn', destination: number | string = 2): WrapperLogger {
  return pino(
    { name: 'claude-code-wrapper', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    // Lines are batched: one asynchronous write per line costs a server ~0.4 ms of latency per
    // request. A quarter-second timer (unref'd) flushes a quiet process, and pino flushes
    // synchronously on exit, so only a SIGKILL can lose the last moment's lines.
    pino.destination({ dest: destination, sync: false, minLength: 4096, periodicFlush: 250 }),
  );
}
