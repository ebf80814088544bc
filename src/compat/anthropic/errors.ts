/**
 * @module
 * Errors of the Anthropic-compatible layer, and the ONE place where any error becomes an Anthropic
 * Messages API error (HTTP status + `{ type: 'error', error: { type, message } }` body).
 *
 * Mapping (first match wins):
 *
 * | source | status | `error.type` |
 * |---|---|---|
 * | {@link AnthropicApiError} | its own | its own |
 * | `VALIDATION_FAILED` | 400 | `invalid_request_error` |
 * | `AUTHENTICATION_FAILED`, run `authentication_error` | 401 | `authentication_error` (says how to log the CLI in) |
 * | run `permission_error` | 403 | `permission_error` |
 * | run `not_found_error` | 404 | `not_found_error` |
 * | `SESSION_IN_USE` | 409 | `conflict_error` |
 * | run `request_too_large` | 413 | `request_too_large` |
 * | run `max_budget` (`maxBudgetUsd` exhausted) | 402 | `billing_error` |
 * | `RATE_LIMITED`, run `rate_limit_error` | 429 | `rate_limit_error` |
 * | `ABORTED`, run `aborted` | 499 | `api_error` (client closed request; the SDKs do not retry it) |
 * | `TIMEOUT`, `IDLE_TIMEOUT`, run `timeout_error` | 504 | `timeout_error` |
 * | `OVERLOADED`, `QUEUE_FULL`, `CIRCUIT_OPEN`, retryable `SPAWN_FAILED`, run `overloaded_error` | 529 | `overloaded_error` |
 * | `BINARY_NOT_FOUND`, `CONFIGURATION_INVALID` | 500 | `api_error` (with the install hint) |
 * | run `connection_error` | 502 | `api_error` |
 * | anything else | 500 | `api_error` |
 *
 * "run X" means a {@link ClaudeCodeRunError} (a CLI run that reported failure) with `errorType` X.
 */
import type { ErrorType } from '@anthropic-ai/sdk/resources/shared';
import { ClaudeCodeError, ClaudeCodeRunError, type ClaudeCodeErrorCode } from '../../core/errors/index.js';
import type { ClaudeErrorType } from '../../core/response.js';

/** Error `type` values this layer produces: the SDK's {@link ErrorType} plus the API's `request_too_large`. */
export type AnthropicErrorType = ErrorType | 'request_too_large';

/** An Anthropic-API error body, exactly as the Messages API sends it. */
export interface AnthropicErrorBody {
  readonly type: 'error';
  readonly error: { readonly type: AnthropicErrorType; readonly message: string };
}

/** Status and body for an HTTP error response. */
export interface AnthropicErrorResponse {
  readonly status: number;
  readonly body: AnthropicErrorBody;
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

/**
 * Map any error (or a failed run, as {@link ClaudeCodeRunError}) to an Anthropic status and body.
 * Never throws. See the module documentation for the table.
 */
export function toAnthropicError(error: unknown): AnthropicErrorResponse {
  const [status, type, message] = classify(error);
  return { status, body: { type: 'error', error: { type, message } } };
}

/** {@link toAnthropicError} as a throwable {@link AnthropicApiError} (keeps the original as `cause`). */
export function toAnthropicApiError(error: unknown): AnthropicApiError {
  if (AnthropicApiError.isInstance(error)) return error;
  const { status, body } = toAnthropicError(error);
  return new AnthropicApiError(status, body.error.type, body.error.message, { cause: error });
}

type Classified = [status: number, type: AnthropicErrorType, message: string];

const ABORTED_MESSAGE = 'The request was cancelled before Claude Code finished';

function classify(error: unknown): Classified {
  if (AnthropicApiError.isInstance(error)) return [error.status, error.type, error.message];
  if (error instanceof ClaudeCodeRunError) return classifyRun(error);
  if (ClaudeCodeError.isInstance(error)) return classifyCode(error.code, error);
  // A DOMException from `signal.throwIfAborted()` and friends.
  if (error instanceof Error && error.name === 'AbortError') return [499, 'api_error', ABORTED_MESSAGE];
  const message = error instanceof Error ? error.message : String(error);
  return [500, 'api_error', `Internal error in the Claude Code wrapper: ${message}`];
}

function classifyRun(error: ClaudeCodeRunError): Classified {
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
    case 'api_error': {
      const status = error.apiErrorStatus;
      return [status !== undefined && status >= 500 ? status : 500, 'api_error', detail];
    }
    default:
      return [500, 'api_error', `Claude Code run failed (${type}): ${detail}`];
  }
}

function classifyCode(code: ClaudeCodeErrorCode, error: ClaudeCodeError): Classified {
  // Compared as strings, so codes other layers add later (e.g. from resilience) need no change here.
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
    case 'SPAWN_FAILED':
      // EAGAIN/EMFILE mean "this server is busy": 529 lets SDK clients back off and retry.
      return error.isRetryable ? [529, 'overloaded_error', error.message] : [500, 'api_error', error.message];
    case 'BINARY_NOT_FOUND':
    case 'CONFIGURATION_INVALID':
      return [500, 'api_error', `The server cannot run Claude Code: ${withInstallHint(error.message)}`];
    default:
      return [500, 'api_error', error.message];
  }
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

function codeForStatus(status: number): ClaudeCodeErrorCode {
  if (status === 400 || status === 404 || status === 413) return 'VALIDATION_FAILED';
  if (status === 401 || status === 403) return 'AUTHENTICATION_FAILED';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 529) return 'OVERLOADED';
  if (status === 504) return 'TIMEOUT';
  if (status === 499) return 'ABORTED';
  return 'API_ERROR';
}
