/**
 * Library errors as the error-mapping tests (test/compat-anthropic/errors.test.ts,
 * test/compat-openai/errors.test.ts) feed them to each API's one mapping.
 */
import {
  ClaudeCodeError,
  ClaudeCodeRunError,
  type ClaudeCodeResponse,
  type ClaudeErrorType,
} from '../../src/index.js';

/** A failed run of `errorType` (with the API's status when the CLI reported one). */
export function runError(
  errorType: ClaudeErrorType,
  content = 'boom',
  apiErrorStatus?: number,
): ClaudeCodeRunError {
  const response: ClaudeCodeResponse = {
    content,
    sessionId: 's',
    isError: true,
    errorType,
    errors: [],
    executionTimeMs: 1,
    metrics: {
      costUsd: 0,
      sessionCostUsd: 0,
      durationMs: 0,
      durationApiMs: 0,
      numTurns: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
    },
    permissionDenials: [],
    messages: [],
    raw: { type: 'result' },
    ...(apiErrorStatus === undefined ? {} : { apiErrorStatus }),
  };
  return new ClaudeCodeRunError(response);
}

/** A transient ClaudeCodeError with a code this version's union may not have yet (resilience layer). */
export function coded(code: string, message = code): ClaudeCodeError {
  return new ClaudeCodeError(message, code as ClaudeCodeError['code'], {
    retryable: true,
    severity: 'transient',
  });
}
