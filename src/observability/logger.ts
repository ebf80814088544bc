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
 * Create the default logger, writing JSON lines to stderr (stdout belongs to the caller's data).
 * @param level pino level or `silent`.
 */
export function createLogger(level: string = 'warn'): WrapperLogger {
  return pino(
    { name: 'claude-code-wrapper', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: 2, sync: false }),
  );
}
