/**
 * @module
 * API-neutral classification of any error, shared by the two error mappers
 * (`anthropicErrorResponse` in `compat/anthropic/errors.ts`, `openaiErrorResponse` in
 * `compat/openai/errors.ts`). Each mapper turns the {@link Classified} result into its API's
 * status, body and headers; nothing here knows a wire shape.
 *
 * The vocabulary of {@link ProblemType} is the Anthropic error types (the API this proxy fronts),
 * plus `request_too_large` and `conflict_error`; the OpenAI mapper translates them.
 *
 * Classification (first match wins):
 *
 * | source | status | type |
 * |---|---|---|
 * | a {@link ProblemLike} (HTTP-layer problem, `AnthropicApiError`) | its own | its own |
 * | `VALIDATION_FAILED` | 400 | `invalid_request_error` |
 * | `AUTHENTICATION_FAILED`, run `authentication_error` | 401 | `authentication_error` (says how to log the CLI in) |
 * | run `permission_error` | 403 | `permission_error` |
 * | run `not_found_error` | 404 | `not_found_error` |
 * | `SESSION_IN_USE` | 409 | `conflict_error` |
 * | run `request_too_large` | 413 | `request_too_large` |
 * | run `max_budget` (`maxBudgetUsd` exhausted) | 402 | `billing_error` |
 * | `RATE_LIMITED`, run `rate_limit_error` | 429 | `rate_limit_error` |
 * | `ABORTED`, run `aborted`, an `AbortError` | 499 | `api_error` (client closed request) |
 * | `TIMEOUT`, `IDLE_TIMEOUT`, run `timeout_error` | 504 | `timeout_error` |
 * | `OVERLOADED`, `QUEUE_FULL`, `CIRCUIT_OPEN`, retryable `SPAWN_FAILED`, run `overloaded_error` | 529 | `overloaded_error` |
 * | `STORE_UNAVAILABLE` (the shared rate limit's Redis is down) | 529 | `overloaded_error` (a fixed message: the URL stays in the server log) |
 * | `BINARY_NOT_FOUND`, `CONFIGURATION_INVALID` | 500 | `api_error` (with the install hint) |
 * | run `connection_error` | 502 | `api_error` |
 * | run `api_error` | the API's 5xx, else 500 | `api_error` |
 * | run `max_structured_output_retries` | 500 | `api_error` (no document matched the schema; retryable) |
 * | any other `ClaudeCodeError` | 500 | `api_error` (its message) |
 * | an error carrying an Anthropic error body (`@anthropic-ai/sdk`'s `APIError`) | its own | its own |
 * | anything else | 500 | `api_error` (a fixed message: internals stay in the server log) |
 *
 * "run X" means a `ClaudeCodeRunError` (a CLI run that reported failure) with `errorType` X.
 */
import { ClaudeCodeError, ClaudeCodeRunError, type ClaudeCodeErrorCode } from '../core/errors/index.js';
import type { ClaudeErrorType } from '../core/response.js';

/** API-neutral error types (named after the Anthropic error types). */
export type ProblemType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'overloaded_error'
  | 'api_error';

/**
 * A failure that already knows its status and type: what the HTTP layer raises (auth, limits, bad
 * JSON, unknown route) and what `AnthropicApiError` is. Mark an object as one with
 * {@link markProblem}, so the mappers never mistake an arbitrary error with a `status` for one.
 */
export interface ProblemLike {
  readonly status: number;
  readonly type: ProblemType;
  readonly message: string;
  /** Seconds a client should wait before retrying; the mappers decide whether to send it. */
  readonly retryAfterSeconds?: number | undefined;
  /** Other response headers (e.g. `allow` on a 405); a `retry-after` here is ignored. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

const problemBrand = Symbol.for('claude-code-wrapper.problem');

/** Brand `target` as a {@link ProblemLike} (works across package copies). */
export function markProblem<T extends object>(target: T): T {
  Object.defineProperty(target, problemBrand, { value: true });
  return target;
}

/** True for a value branded by {@link markProblem}. */
export function isProblemLike(value: unknown): value is ProblemLike {
  return typeof value === 'object' && value !== null && problemBrand in value;
}

/** A plain {@link ProblemLike} (e.g. for a protocol error answered outside any route). */
export function problem(
  status: number,
  type: ProblemType,
  message: string,
  extra: { retryAfterSeconds?: number; headers?: Record<string, string> } = {},
): ProblemLike {
  return markProblem({ status, type, message, ...extra });
}

/** An error reduced to what every API's mapper needs. */
export interface Classified {
  readonly status: number;
  /** A {@link ProblemType}, or another type an Anthropic error body carried. */
  readonly type: ProblemType | (string & {});
  /** Bounded to {@link MAX_MESSAGE_CHARS}. */
  readonly message: string;
  /** A delay the error itself carries (a rate limiter's, the breaker's, the API's), in whole seconds. */
  readonly retryAfterSeconds: number | undefined;
  /** Extra headers (never `retry-after`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** `retry-after` sent with a 429/overload when the error carries no delay of its own. */
export const DEFAULT_RETRY_AFTER_SECONDS = 2;

/** Longest error message sent; a safety net under the per-value caps of the validators. */
export const MAX_MESSAGE_CHARS = 2_000;

/** Message for errors that are not ours: the details go to the server log, not to the client. */
export const INTERNAL_ERROR_MESSAGE =
  'Internal error in the Claude Code wrapper; the server log has the details.';

const ABORTED_MESSAGE = 'The request was cancelled before Claude Code finished';

/** For `STORE_UNAVAILABLE`: what failed, without the store's address (the server log has it). */
export const STORE_UNAVAILABLE_MESSAGE =
  "The server's shared rate limit store is unavailable, so the request was not run; retry shortly.";

/** Classify any thrown value. Never throws. */
export function classifyError(error: unknown): Classified {
  const [status, type, message, headers = {}] = classify(error);
  return {
    status,
    type,
    message: boundMessage(message),
    retryAfterSeconds: retryAfterHint(error),
    headers: withoutRetryAfter(headers),
  };
}

/** The `retry-after` value (whole seconds, at least 1) for an error whose answer should carry one. */
export function retryAfterValue(classified: Classified): string {
  return String(classified.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
}

type Raw = [status: number, type: string, message: string, headers?: Readonly<Record<string, string>>];

function classify(error: unknown): Raw {
  if (isProblemLike(error)) return [error.status, error.type, error.message, error.headers ?? {}];
  if (error instanceof ClaudeCodeRunError) return classifyRun(error);
  if (ClaudeCodeError.isInstance(error)) return classifyCode(error.code, error);
  // A DOMException from `signal.throwIfAborted()` and friends.
  if (error instanceof Error && error.name === 'AbortError') return [499, 'api_error', ABORTED_MESSAGE];
  const anthropic = readAnthropicError(error);
  if (anthropic !== undefined) return anthropic;
  return [500, 'api_error', INTERNAL_ERROR_MESSAGE];
}

function classifyRun(error: ClaudeCodeRunError): Raw {
  const type: ClaudeErrorType = error.errorType;
  const detail = runDetail(error);
  switch (type) {
    case 'authentication_error':
      return [401, 'authentication_error', loginMessage(detail)];
    case 'invalid_request_error':
      return [400, 'invalid_request_error', detail];
    case 'permission_error':
      return [403, 'permission_error', detail];
    case 'not_found_error':
      return [404, 'not_found_error', detail];
    case 'request_too_large':
      return [413, 'request_too_large', detail];
    case 'rate_limit_error':
      return [429, 'rate_limit_error', detail];
    case 'overloaded_error':
      return [529, 'overloaded_error', detail];
    case 'timeout_error':
      return [504, 'timeout_error', detail];
    case 'connection_error':
      return [502, 'api_error', `Claude Code could not reach the Anthropic API: ${detail}`];
    case 'max_budget':
      return [402, 'billing_error', `The run exceeded its cost limit (maxBudgetUsd): ${detail}`];
    case 'aborted':
      return [499, 'api_error', ABORTED_MESSAGE];
    case 'max_structured_output_retries':
      // The model's fault, and often gone on a retry: a 5xx lets the SDKs retry it.
      return [
        500,
        'api_error',
        `The model did not produce a document matching the requested JSON schema (structured output), even after Claude Code's retries: ${detail}`,
      ];
    case 'api_error': {
      const status = error.apiErrorStatus;
      return [status !== undefined && status >= 500 && status < 600 ? status : 500, 'api_error', detail];
    }
    default:
      return [500, 'api_error', `Claude Code run failed (${type}): ${detail}`];
  }
}

function classifyCode(code: ClaudeCodeErrorCode, error: ClaudeCodeError): Raw {
  // Compared as strings, so codes other layers add later need no change here.
  const name: string = code;
  switch (name) {
    case 'VALIDATION_FAILED':
      return [400, 'invalid_request_error', error.message];
    case 'AUTHENTICATION_FAILED':
      return [401, 'authentication_error', loginMessage(error.message)];
    case 'RATE_LIMITED':
      return [429, 'rate_limit_error', error.message];
    case 'SESSION_IN_USE':
      return [409, 'conflict_error', error.message];
    case 'ABORTED':
      return [499, 'api_error', ABORTED_MESSAGE];
    case 'TIMEOUT':
    case 'IDLE_TIMEOUT':
      return [504, 'timeout_error', error.message];
    case 'OVERLOADED':
    case 'QUEUE_FULL':
    case 'CIRCUIT_OPEN':
      return [529, 'overloaded_error', error.message];
    case 'STORE_UNAVAILABLE':
      // Transient, and only the server can fix it: an overload lets SDK clients back off and retry.
      return [529, 'overloaded_error', STORE_UNAVAILABLE_MESSAGE];
    case 'SPAWN_FAILED':
      // EAGAIN/EMFILE mean "this server is busy": an overload lets SDK clients back off and retry.
      return error.isRetryable ? [529, 'overloaded_error', error.message] : [500, 'api_error', error.message];
    case 'BINARY_NOT_FOUND':
    case 'CONFIGURATION_INVALID':
      return [500, 'api_error', `The server cannot run Claude Code: ${withInstallHint(error.message)}`];
    default:
      return [500, 'api_error', error.message];
  }
}

/** `@anthropic-ai/sdk`'s `APIError` (and look-alikes): `status` plus `error: { error: { type, message } }`. */
function readAnthropicError(error: unknown): Raw | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, error: body } = error as { status?: unknown; error?: unknown };
  if (typeof status !== 'number' || typeof body !== 'object' || body === null) return undefined;
  const inner = (body as { error?: unknown }).error;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { type, message } = inner as { type?: unknown; message?: unknown };
  if (typeof type !== 'string' || typeof message !== 'string') return undefined;
  return [Number.isInteger(status) && status >= 400 && status < 600 ? status : 500, type, message];
}

/** A delay carried by the error (or its cause): `retryAfterSeconds`, or `retryAfterMs` rounded up. */
function retryAfterHint(error: unknown): number | undefined {
  for (let current = error, depth = 0; depth < 3; depth++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const { retryAfterSeconds, retryAfterMs, cause } = current as {
      retryAfterSeconds?: unknown;
      retryAfterMs?: unknown;
      cause?: unknown;
    };
    if (typeof retryAfterSeconds === 'number' && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0)
      return Math.max(1, Math.ceil(retryAfterSeconds));
    if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0)
      return Math.max(1, Math.ceil(retryAfterMs / 1000));
    current = cause;
  }
  return undefined;
}

function withoutRetryAfter(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'retry-after') kept[name] = value;
  }
  return kept;
}

// Messages can quote what a client sent (a tool name, a model id): whatever slipped past the
// validators' own caps must not make the error body and its log line as large as the request.
function boundMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_MESSAGE_CHARS)}…(${message.length} chars)`;
}

function runDetail(error: ClaudeCodeRunError): string {
  const { response } = error;
  return response.content || response.errors.join('; ') || response.errorSubtype || error.message;
}

function loginMessage(detail: string): string {
  return (
    'The Claude Code CLI on the server is not logged in or its credentials were rejected. ' +
    'Run `claude /login` as the server user, or set ANTHROPIC_API_KEY for the wrapper. ' +
    `(CLI said: ${detail})`
  );
}

function withInstallHint(message: string): string {
  if (/npm install/.test(message)) return message;
  return `${message} Install the CLI with \`npm install -g @anthropic-ai/claude-code\` or set CLAUDE_BINARY.`;
}
