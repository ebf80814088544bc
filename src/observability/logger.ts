/**
 * @module
 * The wrapper's structured logger (pino). Secrets are redacted ({@link redactSecrets}); prompts and
 * outputs are only logged at debug level by the callers.
 */
import { pino, type Logger } from 'pino';
import { LogDestination } from './log-destination.js';
import { redactSecrets } from './redact-secrets.js';

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
    { name: 'claude-code-wrapper', level, formatters: { log: redactSecrets } },
    // Lines are batched: one asynchronous write per line costs a server ~0.4 ms of latency per
    // request. A quarter-second timer (unref'd) flushes a quiet process, and the batch is written
    // synchronously on exit, so only a SIGKILL can lose the last moment's lines. Not
    // `pino.destination()`: its exit flush spins forever on a closed pipe (see LogDestination).
    new LogDestination(destination, { minLength: 4096, flushIntervalMs: 250 }),
  );
}
