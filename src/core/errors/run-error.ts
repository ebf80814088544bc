/**
 * @module
 * The error thrown for a run the CLI itself reported as failed, when `throwOnError` is set.
 */
import { isRetryableErrorType } from '../classify-result.js';
import type { ClaudeCodeResponse, ClaudeErrorType } from '../response.js';
import { ClaudeCodeError, type ClaudeCodeErrorCode } from './claude-code-error.js';

/** The CLI finished but reported failure (API error, max turns, budget, ...). */
export class ClaudeCodeRunError extends ClaudeCodeError {
  /** The full response, with messages and metrics. */
  readonly response: ClaudeCodeResponse;
  /** Normalised failure category. */
  readonly errorType: ClaudeErrorType;
  /** HTTP status of the API failure, when there was one. */
  readonly apiErrorStatus: number | undefined;
  /** The delay the CLI last planned before retrying the API (it honours `retry-after`), if it reported one. */
  readonly retryAfterMs: number | undefined;

  constructor(response: ClaudeCodeResponse) {
    const errorType = response.errorType ?? 'execution_error';
    const status = response.apiErrorStatus;
    const retryable = isRetryableErrorType(errorType, status);
    super(
      `Claude Code run failed (${errorType}${status ? `, HTTP ${status}` : ''}): ${describeFailure(response)}`,
      codeFor(errorType),
      {
        retryable,
        severity: retryable ? 'transient' : errorType === 'authentication_error' ? 'fatal' : 'error',
        context: {
          errorType,
          errorSubtype: response.errorSubtype,
          apiErrorStatus: status,
          sessionId: response.sessionId,
        },
      },
    );
    this.response = response;
    this.errorType = errorType;
    this.apiErrorStatus = status;
    this.retryAfterMs = lastRetryDelay(response);
  }
}

function codeFor(type: ClaudeErrorType): ClaudeCodeErrorCode {
  switch (type) {
    case 'authentication_error':
      return 'AUTHENTICATION_FAILED';
    case 'rate_limit_error':
      return 'RATE_LIMITED';
    case 'overloaded_error':
      return 'OVERLOADED';
    case 'api_error':
    case 'invalid_request_error':
    case 'permission_error':
    case 'not_found_error':
    case 'request_too_large':
    case 'timeout_error':
    case 'connection_error':
      return 'API_ERROR';
    default:
      return 'RUN_FAILED';
  }
}

function describeFailure(response: ClaudeCodeResponse): string {
  const text = response.content || response.errors.join('; ') || response.errorSubtype || 'no details';
  if (response.errorType === 'authentication_error') {
    return `${text}. Log in with \`claude /login\` (Claude subscription) or set ANTHROPIC_API_KEY.`;
  }
  return text;
}

function lastRetryDelay(response: ClaudeCodeResponse): number | undefined {
  for (let i = response.messages.length - 1; i >= 0; i -= 1) {
    const message = response.messages[i];
    if (message?.type === 'system' && message.subtype === 'api_retry') {
      const delay = message['retry_delay_ms'];
      return typeof delay === 'number' && delay > 0 ? delay : undefined;
    }
  }
  return undefined;
}
