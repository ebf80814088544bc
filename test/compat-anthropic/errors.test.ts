import { describe, expect, it } from 'vitest';
import {
  AnthropicApiError,
  anthropicErrorResponse,
  toAnthropicApiError,
  toAnthropicError,
} from '../../src/compat/anthropic/errors.js';
import { encodeSseError } from '../../src/compat/anthropic/sse.js';
import { INTERNAL_ERROR_MESSAGE, problem, STORE_UNAVAILABLE_MESSAGE } from '../../src/compat/problem.js';
import { OpenAIApiError } from '../../src/compat/openai/errors.js';
import { HttpProblem } from '../../src/http/http-problem.js';
import {
  ClaudeCodeAbortError,
  ClaudeCodeCircuitOpenError,
  ClaudeCodeConfigurationError,
  ClaudeCodeError,
  ClaudeCodeProcessError,
  ClaudeCodeQueueFullError,
  ClaudeCodeSessionInUseError,
  ClaudeCodeStoreUnavailableError,
  ClaudeCodeTimeoutError,
  ClaudeCodeValidationError,
} from '../../src/index.js';
import { coded, runError } from '../support/errors.js';

function invalid(message: string): ClaudeCodeError {
  return new ClaudeCodeValidationError('messages', 1, message);
}

describe('anthropicErrorResponse', () => {
  it.each([
    [new ClaudeCodeValidationError('options.model', 1, 'must be a string'), 400, 'invalid_request_error'],
    [new AnthropicApiError(404, 'not_found_error', 'model: x'), 404, 'not_found_error'],
    [runError('invalid_request_error'), 400, 'invalid_request_error'],
    [runError('permission_error'), 403, 'permission_error'],
    [runError('request_too_large'), 413, 'request_too_large'],
    [runError('rate_limit_error'), 429, 'rate_limit_error'],
    [coded('RATE_LIMITED'), 429, 'rate_limit_error'],
    [runError('overloaded_error'), 529, 'overloaded_error'],
    [coded('OVERLOADED'), 529, 'overloaded_error'],
    [coded('QUEUE_FULL'), 529, 'overloaded_error'],
    [new ClaudeCodeQueueFullError(4, 0), 529, 'overloaded_error'],
    [new HttpProblem(401, 'authentication_error', 'Invalid API key.'), 401, 'authentication_error'],
    [new HttpProblem(413, 'request_too_large', 'too big'), 413, 'request_too_large'],
    [new HttpProblem(405, 'invalid_request_error', 'no', { allow: 'POST' }), 405, 'invalid_request_error'],
    [new OpenAIApiError(400, "Invalid value for 'n'.", { param: 'n' }), 400, 'invalid_request_error'],
    [Object.assign(new Error('x'), { name: 'AbortError' }), 499, 'api_error'],
    [coded('CIRCUIT_OPEN'), 529, 'overloaded_error'],
    [
      new ClaudeCodeStoreUnavailableError('redis://h:6379', 'ECONNREFUSED', 'rate limit'),
      529,
      'overloaded_error',
    ],
    [new ClaudeCodeTimeoutError(1000, 'total'), 504, 'timeout_error'],
    [new ClaudeCodeTimeoutError(1000, 'idle'), 504, 'timeout_error'],
    [runError('timeout_error'), 504, 'timeout_error'],
    [new ClaudeCodeAbortError(), 499, 'api_error'],
    [runError('max_budget'), 402, 'billing_error'],
    [runError('connection_error'), 502, 'api_error'],
    [runError('api_error', 'bad gateway', 502), 502, 'api_error'],
    [runError('max_turns'), 500, 'api_error'],
    [runError('max_structured_output_retries'), 500, 'api_error'],
    [new ClaudeCodeSessionInUseError('s'), 409, 'conflict_error'],
    [
      new ClaudeCodeProcessError('CLI crashed', { exitCode: 1, signal: null, stderrTail: '' }),
      500,
      'api_error',
    ],
    [new Error('surprise'), 500, 'api_error'],
    ['a string', 500, 'api_error'],
  ])('maps %s to %i %s', (error, status, type) => {
    const result = anthropicErrorResponse(error);
    expect(result.status).toBe(status);
    expect(result.body.type).toBe('error');
    expect(result.body.error.type).toBe(type);
    expect(typeof result.body.error.message).toBe('string');
    // retry-after on exactly the statuses the SDKs retry after waiting.
    expect(result.headers['retry-after'] !== undefined).toBe(status === 429 || status === 529);
    // The deprecated name is the same mapping.
    expect(toAnthropicError(error)).toEqual(result);
    // And the SSE error frame carries the same body.
    expect(encodeSseError(error)).toBe(`event: error\ndata: ${JSON.stringify(result.body)}\n\n`);
  });

  it('says what failed when no structured output document matched the schema', () => {
    const { body } = anthropicErrorResponse(runError('max_structured_output_retries', 'gave up'));
    expect(body.error.message).toBe(
      "The model did not produce a document matching the requested JSON schema (structured output), even after Claude Code's retries: gave up",
    );
  });

  it('decides retry-after once: the delay the error carries, else 2 s', () => {
    const limited = new HttpProblem(429, 'rate_limit_error', 'slow down', { 'retry-after': '17' });
    expect(anthropicErrorResponse(limited).headers).toEqual({ 'retry-after': '17' });
    expect(anthropicErrorResponse(new ClaudeCodeCircuitOpenError(4_200)).headers).toEqual({
      'retry-after': '5',
    });
    expect(anthropicErrorResponse(runError('rate_limit_error')).headers).toEqual({ 'retry-after': '2' });
    expect(anthropicErrorResponse(problem(529, 'overloaded_error', 'busy')).headers).toEqual({
      'retry-after': '2',
    });
    expect(anthropicErrorResponse(new ClaudeCodeTimeoutError(1, 'total')).headers).toEqual({});
  });

  it('keeps other headers a problem needs, and adds the request id to the body', () => {
    const wrongMethod = new HttpProblem(405, 'invalid_request_error', 'use POST', { allow: 'POST' });
    expect(anthropicErrorResponse(wrongMethod, { requestId: 'req_1' })).toEqual({
      status: 405,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'use POST' },
        request_id: 'req_1',
      },
      headers: { allow: 'POST' },
    });
  });

  it('hides the message of errors that are not ours and bounds long messages', () => {
    const { body } = anthropicErrorResponse(new Error('/secret/path exploded'));
    expect(body.error.message).toBe(INTERNAL_ERROR_MESSAGE);
    const long = anthropicErrorResponse(invalid('x'.repeat(5_000)));
    expect(long.body.error.message.length).toBeLessThan(2_100);
  });

  it('does not tell callers where the shared rate limit store is', () => {
    const down = new ClaudeCodeStoreUnavailableError(
      'redis://:pw@redis.internal:6379',
      'ECONNREFUSED',
      'rate limit',
    );
    const { body, headers } = anthropicErrorResponse(down);
    expect(body.error.message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect(JSON.stringify(body)).not.toContain('redis.internal');
    expect(headers['retry-after']).toBeDefined();
  });

  it('tells plainly how to log the CLI in', () => {
    for (const error of [
      runError('authentication_error', 'Invalid API key'),
      coded('AUTHENTICATION_FAILED'),
    ]) {
      const { status, body } = toAnthropicError(error);
      expect(status).toBe(401);
      expect(body.error.type).toBe('authentication_error');
      expect(body.error.message).toMatch(/not logged in.*claude \/login.*ANTHROPIC_API_KEY/);
    }
  });

  it('gives the install hint for a missing binary', () => {
    const missing = new ClaudeCodeConfigurationError('Claude Code CLI not found.', {
      code: 'BINARY_NOT_FOUND',
    });
    const { status, body } = toAnthropicError(missing);
    expect(status).toBe(500);
    expect(body.error.message).toMatch(/npm install -g @anthropic-ai\/claude-code/);
  });

  it('keeps the original as the cause of the thrown form', () => {
    const original = new ClaudeCodeTimeoutError(5, 'idle');
    const thrown = toAnthropicApiError(original);
    expect(thrown).toMatchObject({ status: 504, type: 'timeout_error', cause: original });
    expect(thrown.error).toEqual({
      type: 'error',
      error: { type: 'timeout_error', message: original.message },
    });
    expect(ClaudeCodeError.isInstance(thrown)).toBe(true);
    expect(toAnthropicApiError(thrown)).toBe(thrown);
  });
});
