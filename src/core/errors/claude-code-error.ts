/**
 * @module
 * The root error class. Every error the library throws is a {@link ClaudeCodeError}, so callers can
 * branch on the stable {@link ClaudeCodeErrorCode} instead of parsing messages.
 */

/** Stable, documented error codes. New codes may be added; existing ones never change meaning. */
export type ClaudeCodeErrorCode =
  | 'TIMEOUT'
  | 'IDLE_TIMEOUT'
  | 'PROCESS_FAILED'
  | 'SPAWN_FAILED'
  | 'VALIDATION_FAILED'
  | 'CONFIGURATION_INVALID'
  | 'BINARY_NOT_FOUND'
  | 'PROTOCOL_ERROR'
  | 'ABORTED'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_IN_USE'
  | 'SESSION_CLOSED'
  | 'RUN_FAILED'
  | 'CIRCUIT_OPEN'
  | 'QUEUE_FULL'
  | 'STORE_UNAVAILABLE'
  | 'AUTHENTICATION_FAILED'
  | 'RATE_LIMITED'
  | 'OVERLOADED'
  | 'API_ERROR';

/** How bad an error is for the caller: `fatal` means retrying cannot help without a change. */
export type ClaudeCodeErrorSeverity = 'fatal' | 'error' | 'transient';

/** Options shared by every error constructor. */
export interface ClaudeCodeErrorOptions {
  /** The underlying error, kept for `--verbose` style diagnostics. */
  readonly cause?: unknown;
  /** Structured facts about the failure (never secrets or full prompts). */
  readonly context?: Readonly<Record<string, unknown>>;
}

// A registry-wide symbol makes the brand check work across realms and duplicated package copies.
const brand = Symbol.for('claude-code-wrapper.error');

/**
 * Root of every error thrown by claude-code-wrapper.
 *
 * @example
 * ```ts
 * try { await wrapper.run('hi'); }
 * catch (e) { if (ClaudeCodeError.isInstance(e) && e.isRetryable) scheduleRetry(); }
 * ```
 */
export class ClaudeCodeError extends Error {
  /** Stable machine-readable code. */
  readonly code: ClaudeCodeErrorCode;
  /** Whether the same call may succeed if retried unchanged. */
  readonly isRetryable: boolean;
  /** How serious the error is. */
  readonly severity: ClaudeCodeErrorSeverity;
  /** Structured facts about the failure. */
  readonly context: Readonly<Record<string, unknown>>;
  /** When the error was created (ISO 8601). */
  readonly timestamp: string;

  constructor(
    message: string,
    code: ClaudeCodeErrorCode,
    {
      retryable,
      severity,
      cause,
      context,
    }: ClaudeCodeErrorOptions & {
      retryable: boolean;
      severity: ClaudeCodeErrorSeverity;
    },
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = retryable;
    this.severity = severity;
    this.context = context ?? {};
    this.timestamp = new Date().toISOString();
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for any claude-code-wrapper error, even one created by another copy of the package. */
  static isInstance(value: unknown): value is ClaudeCodeError {
    return typeof value === 'object' && value !== null && brand in value;
  }

  /** A JSON-safe view for logs and HTTP error bodies. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      isRetryable: this.isRetryable,
      severity: this.severity,
      context: this.context,
      timestamp: this.timestamp,
    };
  }
}
