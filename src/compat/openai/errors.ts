/**
 * @module
 * OpenAI-shaped errors: the one place where a failure becomes an OpenAI HTTP status and error body.
 *
 * The OpenAI SDK picks its error class purely from the HTTP status (400 → `BadRequestError`,
 * 401 → `AuthenticationError`, 429 → `RateLimitError`, ≥ 500 → `InternalServerError`) and shows
 * `error.message`, so the status table below is what clients branch on; `type` and `code` follow
 * what api.openai.com itself sends, and `code` is only set where OpenAI sets one.
 */
import { ClaudeCodeError } from '../../core/errors/index.js';

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

/** What an HTTP route needs to answer with an OpenAI error. */
export interface OpenAIErrorResponse {
  readonly status: number;
  readonly body: OpenAIErrorBody;
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

  /** The status and body to send. */
  toResponse(): OpenAIErrorResponse {
    const error = { message: this.message, type: this.type, param: this.param, code: this.openaiCode };
    return { status: this.status, body: { error } };
  }
}

/** A 400 `invalid_request_error` naming the field at fault. */
export function invalidRequest(message: string, param: string | null, code: string | null = null) {
  return new OpenAIApiError(400, message, { param, code });
}

interface ErrorMapping {
  /** Fixed status, or a function of the status the Anthropic layer chose. */
  readonly status: number | ((given: number) => number);
  readonly type: string;
  readonly code: string | null;
}

const keep4xx = (given: number) => (given >= 400 && given < 500 ? given : 400);
const keep5xx = (given: number) => (given >= 500 && given < 600 ? given : 500);

// Anthropic error type → OpenAI. Overload is 503 because 529 is no OpenAI status; billing is 429
// `insufficient_quota` because that is how OpenAI reports an exhausted account.
const mappings: Readonly<Record<string, ErrorMapping>> = {
  invalid_request_error: { status: keep4xx, type: 'invalid_request_error', code: null },
  request_too_large: { status: 413, type: 'invalid_request_error', code: null },
  authentication_error: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  billing_error: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  permission_error: { status: 403, type: 'invalid_request_error', code: null },
  not_found_error: { status: 404, type: 'invalid_request_error', code: null },
  conflict_error: { status: 409, type: 'invalid_request_error', code: null },
  rate_limit_error: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  api_error: { status: keep5xx, type: 'server_error', code: null },
  overloaded_error: { status: 503, type: 'server_error', code: null },
  timeout_error: { status: 504, type: 'server_error', code: null },
};

/**
 * Map an Anthropic error (its HTTP status and `error.type`) to the OpenAI status and body.
 * Unknown types keep a valid 4xx/5xx status (500 otherwise) and take their `type` from its class.
 *
 * @param status - the status the Anthropic layer would have answered with
 * @param anthropicErrorType - Anthropic `error.type`, e.g. `overloaded_error`
 * @param message - human-readable message, passed through unchanged
 * @example
 * ```ts
 * toOpenAIError(529, 'overloaded_error', 'Overloaded').status; // 503
 * ```
 */
export function toOpenAIError(
  status: number,
  anthropicErrorType: string,
  message: string,
): OpenAIErrorResponse {
  const mapping = Object.hasOwn(mappings, anthropicErrorType) ? mappings[anthropicErrorType] : undefined;
  if (mapping === undefined) {
    const known = Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
    const type = known < 500 ? 'invalid_request_error' : 'server_error';
    return { status: known, body: { error: { message, type, param: null, code: null } } };
  }
  const mapped = typeof mapping.status === 'number' ? mapping.status : mapping.status(status);
  return {
    status: mapped,
    body: { error: { message, type: mapping.type, param: null, code: mapping.code } },
  };
}

/**
 * The OpenAI response for anything thrown while serving a request: an {@link OpenAIApiError} answers
 * for itself, an error carrying an Anthropic error body (as `@anthropic-ai/sdk`'s `APIError` does:
 * `status` plus `error: { error: { type, message } }`) goes through {@link toOpenAIError}, and
 * everything else is a 500 whose message reveals no internals (log the original instead).
 */
export function fromUnknownError(error: unknown): OpenAIErrorResponse {
  if (OpenAIApiError.isInstance(error)) return error.toResponse();
  const anthropic = readAnthropicError(error);
  if (anthropic !== undefined) return toOpenAIError(anthropic.status, anthropic.type, anthropic.message);
  return toOpenAIError(500, 'api_error', 'The server had an error while processing your request.');
}

function readAnthropicError(error: unknown): { status: number; type: string; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, error: body } = error as { status?: unknown; error?: unknown };
  if (typeof status !== 'number' || typeof body !== 'object' || body === null) return undefined;
  const inner = (body as { error?: unknown }).error;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { type, message } = inner as { type?: unknown; message?: unknown };
  if (typeof type !== 'string' || typeof message !== 'string') return undefined;
  return { status, type, message };
}
