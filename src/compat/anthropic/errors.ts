/**
 * @module
 * Errors of the Anthropic-compatible layer, and the ONE place where any error becomes an Anthropic
 * Messages API error: {@link anthropicErrorResponse} gives the HTTP status, the body
 * (`{ type: 'error', error: { type, message }, request_id? }`) and the headers (`retry-after` on
 * 429 and 529). The HTTP error handler, the SSE `error` frame, protocol errors and
 * `ClaudeCodeAnthropic`'s thrown errors all go through it. Which status and type an error gets is
 * the table in `../problem.ts` (shared with the OpenAI mapper); Anthropic's shape uses it as is.
 */
import type { ErrorType } from '@anthropic-ai/sdk/resources/shared';
import { ClaudeCodeError, type ClaudeCodeErrorCode } from '../../core/errors/index.js';
import { classifyError, markProblem, retryAfterValue } from '../problem.js';

/** Error `type` values this layer produces: the SDK's {@link ErrorType} plus the API's `request_too_large`. */
export type AnthropicErrorType = ErrorType | 'request_too_large';

/** An Anthropic-API error body, exactly as the Messages API sends it. */
export interface AnthropicErrorBody {
  readonly type: 'error';
  readonly error: { readonly type: AnthropicErrorType; readonly message: string };
  /** The request id, as the API adds it to error responses. */
  readonly request_id?: string;
}

/** Status, body and headers of an HTTP error response. */
export interface AnthropicErrorResponse {
  readonly status: number;
  readonly body: AnthropicErrorBody;
  /** `retry-after` on 429/529, plus any header the error itself needs (`allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Options of {@link anthropicErrorResponse}. */
export interface AnthropicErrorOptions {
  /** Added to the body as `request_id`. */
  readonly requestId?: string | undefined;
}

const brand = Symbol.for('claude-code-wrapper.anthropic-api-error');

/**
 * An error already expressed in Anthropic API terms (status, error type, message). Thrown for invalid
 * requests and by {@link ClaudeCodeAnthropic} for every failure, so code written for the official SDK
 * can branch on `status` and `type`.
 */
export class AnthropicApiError extends ClaudeCodeError {
  /** HTTP status, e.g. 400 or 529. */
  readonly status: number;
  /** Anthropic error type, e.g. `invalid_request_error`. */
  readonly type: AnthropicErrorType;

  constructor(status: number, type: AnthropicErrorType, message: string, options: { cause?: unknown } = {}) {
    const retryable = status === 429 || status === 529 || status >= 500;
    super(message, codeForStatus(status), {
      retryable,
      severity: retryable ? 'transient' : 'error',
      cause: options.cause,
      context: { status, type },
    });
    this.status = status;
    this.type = type;
    Object.defineProperty(this, brand, { value: true });
    // Its status and type are final: both error mappers answer with them.
    markProblem(this);
  }

  /** The error body, as the SDK's `APIError.error` exposes it. */
  get error(): AnthropicErrorBody {
    return { type: 'error', error: { type: this.type, message: this.message } };
  }

  /** True for an {@link AnthropicApiError}, even from another copy of the package. */
  static override isInstance(value: unknown): value is AnthropicApiError {
    return typeof value === 'object' && value !== null && brand in value;
  }
}

/** Shorthand for a 400 `invalid_request_error`. */
export function invalidRequest(message: string): AnthropicApiError {
  return new AnthropicApiError(400, 'invalid_request_error', message);
}

/** The Anthropic error body for `type` and `message` (the one body builder of this API). */
export function anthropicErrorBody(
  type: AnthropicErrorType,
  message: string,
  requestId?: string,
): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, ...(requestId ? { request_id: requestId } : {}) };
}

/**
 * Map ANY error to an Anthropic status, body and headers: an {@link AnthropicApiError} or HTTP-layer
 * problem answers with its own status and type, everything else goes through the shared table
 * (`../problem.ts`). `retry-after` is decided here: on every 429 and 529, with the delay the error
 * carries (rate limiter, breaker, the API's own) or 2 s. Never throws.
 *
 * @example
 * ```ts
 * anthropicErrorResponse(new ClaudeCodeQueueFullError(4, 0));
 * // { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message } }, headers: { 'retry-after': '2' } }
 * ```
 */
export function anthropicErrorResponse(
  error: unknown,
  options: AnthropicErrorOptions = {},
): AnthropicErrorResponse {
  const classified = classifyError(error);
  const { status } = classified;
  const type = classified.type as AnthropicErrorType;
  const headers: Record<string, string> = { ...classified.headers };
  if (status === 429 || status === 529) headers['retry-after'] = retryAfterValue(classified);
  return { status, body: anthropicErrorBody(type, classified.message, options.requestId), headers };
}

/**
 * @deprecated Use {@link anthropicErrorResponse} (the same mapping, with headers).
 */
export function toAnthropicError(error: unknown): AnthropicErrorResponse {
  return anthropicErrorResponse(error);
}

/** {@link anthropicErrorResponse} as a throwable {@link AnthropicApiError} (keeps the original as `cause`). */
export function toAnthropicApiError(error: unknown): AnthropicApiError {
  if (AnthropicApiError.isInstance(error)) return error;
  const { status, body } = anthropicErrorResponse(error);
  return new AnthropicApiError(status, body.error.type, body.error.message, { cause: error });
}

function codeForStatus(status: number): ClaudeCodeErrorCode {
  if (status === 400 || status === 404 || status === 413) return 'VALIDATION_FAILED';
  if (status === 401 || status === 403) return 'AUTHENTICATION_FAILED';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 529) return 'OVERLOADED';
  if (status === 504) return 'TIMEOUT';
  if (status === 499) return 'ABORTED';
  return 'API_ERROR';
}
