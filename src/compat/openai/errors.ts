/**
 * @module
 * OpenAI-shaped errors: the one place where a failure becomes an OpenAI HTTP status and error body.
 *
 * The OpenAI SDK picks its error class purely from the HTTP status (400 → `BadRequestError`,
 * 401 → `AuthenticationError`, 429 → `RateLimitError`, ≥ 500 → `InternalServerError`) and shows
 * `error.message`, so the status table below is what clients branch on; `type` and `code` follow
 * what api.openai.com itself sends, and `code` is only set where OpenAI sets one.
 *
 * {@link openaiErrorResponse} is the ONE mapping from any error to an OpenAI status, body and
 * headers: the HTTP error handler, the SSE error frame and protocol errors all use it. Errors other
 * than {@link OpenAIApiError} are classified by the shared table in `../problem.ts`, then
 * translated by the table below.
 */
import { ClaudeCodeError } from '../../core/errors/index.js';
import { classifyError, retryAfterValue, type ProblemType } from '../problem.js';

/** The `error` object of an OpenAI error response. */
export interface OpenAIErrorObject {
  readonly message: string;
  /** `invalid_request_error`, `requests`, `insufficient_quota` or `server_error`. */
  readonly type: string;
  /** The request field at fault (`messages[0].content`), or null. */
  readonly param: string | null;
  /** A stable machine-readable code (`invalid_api_key`, `rate_limit_exceeded`, ...), or null. */
  readonly code: string | null;
}

/** An OpenAI error response body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  readonly error: OpenAIErrorObject;
}

/** Status, body and headers of an OpenAI error response. */
export interface OpenAIErrorResponse {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  /** `retry-after` on rate limits and overload (503), `x-should-retry: false` where retrying cannot help. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Optional fields of an {@link OpenAIApiError}. */
export interface OpenAIApiErrorOptions {
  /** @default `invalid_request_error` below 500, `server_error` from 500 */
  readonly type?: string;
  readonly param?: string | null;
  readonly code?: string | null;
  readonly cause?: unknown;
}

// Separate from the root brand so an OpenAIApiError is recognised even across package copies.
const brand = Symbol.for('claude-code-wrapper.openai-api-error');

/**
 * An error that already knows its OpenAI status and body, thrown by the OpenAI layer (mostly for
 * invalid requests).
 *
 * @example
 * ```ts
 * throw new OpenAIApiError(400, "Invalid value for 'n': only n=1 is supported.", { param: 'n' });
 * ```
 */
export class OpenAIApiError extends ClaudeCodeError {
  /** HTTP status to answer with. */
  readonly status: number;
  /** OpenAI error `type`. */
  readonly type: string;
  /** The request field at fault, or null. */
  readonly param: string | null;
  /** OpenAI error `code`, or null. */
  readonly openaiCode: string | null;

  constructor(status: number, message: string, options: OpenAIApiErrorOptions = {}) {
    const retryable = status === 429 || status >= 500;
    super(message, status < 500 ? 'VALIDATION_FAILED' : 'API_ERROR', {
      retryable,
      severity: retryable ? 'transient' : 'fatal',
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      context: { status },
    });
    this.status = status;
    this.type = options.type ?? (status < 500 ? 'invalid_request_error' : 'server_error');
    this.param = options.param ?? null;
    this.openaiCode = options.code ?? null;
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for an {@link OpenAIApiError}, even one created by another copy of the package. */
  static override isInstance(value: unknown): value is OpenAIApiError {
    return typeof value === 'object' && value !== null && brand in value;
  }

  /** The status, body and headers to send (the same as {@link openaiErrorResponse} gives). */
  toResponse(): OpenAIErrorResponse {
    return openaiErrorResponse(this);
  }
}

/** A 400 `invalid_request_error` naming the field at fault. */
export function invalidRequest(message: string, param: string | null, code: string | null = null) {
  return new OpenAIApiError(400, message, { param, code });
}

/** The OpenAI error body (the one body builder of this API). */
export function openaiErrorBody(
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

interface ErrorMapping {
  /** The OpenAI status for the status the shared classification chose. */
  readonly status: (given: number) => number;
  /** The OpenAI type; by default from the status class. */
  readonly type?: string;
  readonly code: string | null;
}

const fixed = (status: number) => () => status;
const keep4xx = (given: number) => (given >= 400 && given < 500 ? given : 400);
// 499 (the client closed the request) stays 499 in the access log.
const keep5xx = (given: number) => (given === 499 || (given >= 500 && given < 600) ? given : 500);

// Shared type → OpenAI. Overload is 503 because 529 is no OpenAI status; billing is 429
// `insufficient_quota` because that is how OpenAI reports an exhausted account; a 408 (request not
// received in time) is the client's problem, any other timeout a 504.
const mappings: Readonly<Record<ProblemType, ErrorMapping>> = {
  invalid_request_error: { status: keep4xx, code: null },
  request_too_large: { status: fixed(413), code: null },
  authentication_error: { status: fixed(401), code: 'invalid_api_key' },
  billing_error: { status: fixed(429), type: 'insufficient_quota', code: 'insufficient_quota' },
  permission_error: { status: fixed(403), code: null },
  not_found_error: { status: fixed(404), code: null },
  conflict_error: { status: fixed(409), code: null },
  rate_limit_error: { status: fixed(429), type: 'requests', code: 'rate_limit_exceeded' },
  api_error: { status: keep5xx, code: null },
  overloaded_error: { status: fixed(503), code: null },
  timeout_error: { status: (given) => (given === 408 ? 408 : 504), code: null },
};

/**
 * Map ANY error to an OpenAI status, body and headers. An {@link OpenAIApiError} answers for itself
 * (`param` and `code` kept); everything else is classified by the shared table (`../problem.ts`)
 * and translated. `retry-after` is decided here: on a 429 rate limit and a 503 overload, with the
 * delay the error carries or 2 s; an exhausted budget (429 `insufficient_quota`) gets
 * `x-should-retry: false` instead, so the SDK does not retry it. Never throws.
 *
 * @example
 * ```ts
 * openaiErrorResponse(new ClaudeCodeQueueFullError(4, 0));
 * // { status: 503, body: { error: { type: 'server_error', ... } }, headers: { 'retry-after': '2' } }
 * ```
 */
export function openaiErrorResponse(error: unknown): OpenAIErrorResponse {
  if (OpenAIApiError.isInstance(error)) {
    const body = openaiErrorBody(error.message, error.type, error.param, error.openaiCode);
    const headers: Record<string, string> = {};
    if (error.status === 429 || error.status === 503)
      headers['retry-after'] = retryAfterValue(classifyError(error));
    return { status: error.status, body, headers };
  }
  const classified = classifyError(error);
  const mapping = Object.hasOwn(mappings, classified.type)
    ? mappings[classified.type as ProblemType]
    : undefined;
  const given =
    Number.isInteger(classified.status) && classified.status >= 400 && classified.status < 600
      ? classified.status
      : 500;
  const status = mapping ? mapping.status(given) : given;
  const type = mapping?.type ?? (status < 500 ? 'invalid_request_error' : 'server_error');
  const headers: Record<string, string> = { ...classified.headers };
  if (classified.type === 'rate_limit_error' || classified.type === 'overloaded_error')
    headers['retry-after'] = retryAfterValue(classified);
  if (classified.type === 'billing_error') headers['x-should-retry'] = 'false';
  return { status, body: openaiErrorBody(classified.message, type, null, mapping?.code ?? null), headers };
}
