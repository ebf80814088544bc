/**
 * @module
 * One subclass per kind of failure. Subprocess facts are fields, as in execa's result errors.
 */
import { ClaudeCodeError, type ClaudeCodeErrorOptions } from './claude-code-error.js';

/** The run exceeded `timeoutMs` (total) or `idleTimeoutMs` (no output); the CLI was killed. */
export class ClaudeCodeTimeoutError extends ClaudeCodeError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  /** `total` for `timeoutMs`, `idle` for the no-output watchdog `idleTimeoutMs`. */
  readonly kind: 'total' | 'idle';

  constructor(timeoutMs: number, kind: 'total' | 'idle', options: ClaudeCodeErrorOptions = {}) {
    super(
      kind === 'total'
        ? `Claude Code run timed out after ${timeoutMs} ms (timeoutMs); the CLI process was killed`
        : `Claude Code produced no output for ${timeoutMs} ms (idleTimeoutMs); the CLI process was killed`,
      kind === 'total' ? 'TIMEOUT' : 'IDLE_TIMEOUT',
      { retryable: true, severity: 'transient', ...options },
    );
    this.timeoutMs = timeoutMs;
    this.kind = kind;
  }
}

/** Facts about a CLI process that ended badly. */
export interface ProcessFailure {
  /** Exit code, or null when killed by a signal. */
  readonly exitCode: number | null;
  /** Terminating signal, or null. */
  readonly signal: NodeJS.Signals | null;
  /** The last part of stderr (bounded). */
  readonly stderrTail: string;
}

/** The CLI exited or crashed without producing a result. */
export class ClaudeCodeProcessError extends ClaudeCodeError implements ProcessFailure {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;

  constructor(summary: string, failure: ProcessFailure, options: ClaudeCodeErrorOptions = {}) {
    const how = failure.signal ? `signal ${failure.signal}` : `exit code ${String(failure.exitCode)}`;
    const tail = failure.stderrTail.trim();
    super(`${summary} (${how})${tail ? `: ${lastLine(tail)}` : ''}`, 'PROCESS_FAILED', {
      // A crash may be a one-off (OOM, EAGAIN); a clean non-zero exit with stderr usually is not.
      retryable: failure.signal !== null,
      severity: 'error',
      ...options,
      context: { exitCode: failure.exitCode, signal: failure.signal, ...options.context },
    });
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.stderrTail = failure.stderrTail;
  }
}

/** Spawning the CLI failed (EAGAIN, EMFILE, EACCES...). */
export class ClaudeCodeSpawnError extends ClaudeCodeError {
  /** The errno code, e.g. `EAGAIN`. */
  readonly errno: string | undefined;

  constructor(binary: string, cause: NodeJS.ErrnoException) {
    const transient = ['EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM'].includes(cause.code ?? '');
    super(`Could not start the Claude Code CLI at ${binary}: ${cause.message}`, 'SPAWN_FAILED', {
      retryable: transient,
      severity: transient ? 'transient' : 'fatal',
      cause,
      context: { binary, errno: cause.code },
    });
    this.errno = cause.code;
  }
}

/** A value given by the caller is invalid. Names the field and the value received. */
export class ClaudeCodeValidationError extends ClaudeCodeError {
  /** Dotted path of the offending field, e.g. `timeoutMs` or `prompt[1].source.data`. */
  readonly field: string;
  /** The value that was rejected. */
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string, options: ClaudeCodeErrorOptions = {}) {
    super(`Invalid ${field}: ${problem} (received ${describeValue(value)})`, 'VALIDATION_FAILED', {
      retryable: false,
      severity: 'fatal',
      ...options,
      context: { field, ...options.context },
    });
    this.field = field;
    this.value = value;
  }
}

/** The environment or configuration cannot work: binary missing, unreadable config file... */
export class ClaudeCodeConfigurationError extends ClaudeCodeError {
  constructor(message: string, options: ClaudeCodeErrorOptions & { code?: 'BINARY_NOT_FOUND' } = {}) {
    super(message, options.code ?? 'CONFIGURATION_INVALID', {
      retryable: false,
      severity: 'fatal',
      ...options,
    });
  }
}

/** The CLI printed something the wrapper cannot understand, or ended its stream mid-message. */
export class ClaudeCodeProtocolError extends ClaudeCodeError {
  constructor(message: string, options: ClaudeCodeErrorOptions = {}) {
    super(message, 'PROTOCOL_ERROR', { retryable: false, severity: 'error', ...options });
  }
}

/** The caller aborted the run (AbortSignal, `run.abort()`, or leaving a `for await` loop early). */
export class ClaudeCodeAbortError extends ClaudeCodeError {
  constructor(reason?: unknown) {
    super('Claude Code run was aborted', 'ABORTED', {
      retryable: false,
      severity: 'error',
      cause: reason,
    });
  }
}

/**
 * `--resume` named a session the CLI does not know (in this HOME and working directory), or a
 * message (`--resume-session-at`) its transcript here does not hold.
 */
export class ClaudeCodeSessionNotFoundError extends ClaudeCodeError {
  /** The session id that was asked for ('' when only the missing message is known). */
  readonly sessionId: string;
  /** The message `--resume-session-at` named, when that is what is missing. */
  readonly atMessage: string | undefined;
  constructor(sessionId: string, options: ClaudeCodeErrorOptions & { readonly atMessage?: string } = {}) {
    const { atMessage, ...rest } = options;
    super(
      atMessage === undefined
        ? `No Claude Code conversation found with session id ${sessionId}. Sessions are stored per HOME and working directory: resume from the same workingDirectory it was created in.`
        : `The Claude Code session transcript here has no message ${atMessage} to resume at (--resume-session-at).`,
      'SESSION_NOT_FOUND',
      {
        retryable: false,
        severity: 'fatal',
        ...rest,
        context: { sessionId, ...(atMessage === undefined ? {} : { atMessage }), ...rest.context },
      },
    );
    this.sessionId = sessionId;
    this.atMessage = atMessage;
  }
}

/** A session id is already held by another CLI process or transcript. */
export class ClaudeCodeSessionInUseError extends ClaudeCodeError {
  /** The session id that is busy. */
  readonly sessionId: string;
  constructor(sessionId: string, options: ClaudeCodeErrorOptions = {}) {
    super(
      `Claude Code session ${sessionId} is already in use; pass fork: true to branch it or choose another id`,
      'SESSION_IN_USE',
      { retryable: false, severity: 'fatal', ...options, context: { sessionId, ...options.context } },
    );
    this.sessionId = sessionId;
  }
}

/** The session was closed; no more turns can be sent. */
export class ClaudeCodeSessionClosedError extends ClaudeCodeError {
  constructor(reason: string) {
    super(`Claude Code session is closed: ${reason}`, 'SESSION_CLOSED', {
      retryable: false,
      severity: 'fatal',
    });
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (lines.at(-1) ?? '').slice(0, 500);
}

/** Describe a rejected value briefly without dumping large payloads into messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The circuit breaker is open after repeated failures: calls fail fast until `retryAt`. */
export class ClaudeCodeCircuitOpenError extends ClaudeCodeError {
  /** When the breaker lets a trial call through (ISO 8601). */
  readonly retryAt: string;
  /** Milliseconds until then. */
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, options: ClaudeCodeErrorOptions = {}) {
    const retryAt = new Date(Date.now() + retryAfterMs).toISOString();
    super(
      `Claude Code calls are failing repeatedly; the circuit breaker is open until ${retryAt} (${Math.ceil(retryAfterMs / 1000)} s)`,
      'CIRCUIT_OPEN',
      {
        retryable: true,
        severity: 'transient',
        ...options,
        context: { retryAt, retryAfterMs, ...options.context },
      },
    );
    this.retryAt = retryAt;
    this.retryAfterMs = retryAfterMs;
  }
}

/** All `maxConcurrent` slots are busy and the `maxQueue` waiting places are taken. */
export class ClaudeCodeQueueFullError extends ClaudeCodeError {
  constructor(maxConcurrent: number, maxQueue: number) {
    super(
      `Too many concurrent Claude Code calls: ${maxConcurrent} running and ${maxQueue} queued (maxConcurrent/maxQueue)`,
      'QUEUE_FULL',
      { retryable: true, severity: 'transient', context: { maxConcurrent, maxQueue } },
    );
  }
}

/** What a {@link ClaudeCodeStoreUnavailableError} could not reach the store for. */
export type StorePurpose =
  | 'rate limit'
  | 'response cache'
  | 'conversation map'
  | 'batch queue'
  | 'shared transcripts'
  | 'stored responses'
  | 'replica notices';

/**
 * A shared store (Redis) cannot be reached: refused, timed out, or the connection dropped. The
 * message names the URL with its password redacted and the cause (`ECONNREFUSED`...). Only the
 * shared rate limit fails runs with it (running unlimited could exceed the account's quota); the
 * response cache and the conversation map carry on without the store and report it once.
 */
export class ClaudeCodeStoreUnavailableError extends ClaudeCodeError {
  /** The store's URL, password replaced by `***`. */
  readonly url: string;
  /** Short cause: an errno code such as `ECONNREFUSED`, or a phrase. */
  readonly reason: string;
  /** What the store was needed for. */
  readonly purpose: StorePurpose;

  constructor(url: string, reason: string, purpose: StorePurpose, options: ClaudeCodeErrorOptions = {}) {
    const safeUrl = redactUrl(url);
    super(
      `Redis at ${safeUrl} is unavailable (${reason}): the ${purpose} cannot use it` +
        (purpose === 'rate limit' ? '; the run was not started' : ''),
      'STORE_UNAVAILABLE',
      {
        retryable: true,
        severity: 'transient',
        ...options,
        context: { url: safeUrl, reason, purpose, ...options.context },
      },
    );
    this.url = safeUrl;
    this.reason = reason;
    this.purpose = purpose;
  }
}

/** `url` with any password (and a user name given alone) replaced by `***`; unparseable URLs become `[invalid URL]`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    else if (parsed.username) parsed.username = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '[invalid URL]';
  }
}
