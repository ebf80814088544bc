import { describe, expect, it } from 'vitest';
import { AnthropicApiError } from '../../src/compat/anthropic/errors.js';
import { OpenAIApiError, openaiErrorResponse } from '../../src/compat/openai/errors.js';
import { encodeOpenAISseError } from '../../src/compat/openai/sse.js';
import { INTERNAL_ERROR_MESSAGE, problem } from '../../src/compat/problem.js';
import { HttpProblem } from '../../src/http/http-problem.js';
import {
  ClaudeCodeAbortError,
  ClaudeCodeCircuitOpenError,
  ClaudeCodeProcessError,
  ClaudeCodeQueueFullError,
  ClaudeCodeSessionInUseError,
  ClaudeCodeTimeoutError,
  ClaudeCodeValidationError,
} from '../../src/index.js';
import { coded, runError } from '../support/errors.js';

type Row = [
  name: string,
  error: unknown,
  status: number,
  type: string,
  code: string | null,
  retryAfter: boolean,
];

describe('openaiErrorResponse', () => {
  it.each<Row>([
    [
      'validation',
      new ClaudeCodeValidationError('messages', 1, 'bad'),
      400,
      'invalid_request_error',
      null,
      false,
    ],
    [
      'Anthropic validation',
      new AnthropicApiError(400, 'invalid_request_error', 'x'),
      400,
      'invalid_request_error',
      null,
      false,
    ],
    [
      'proxy key',
      new HttpProblem(401, 'authentication_error', 'Invalid API key.'),
      401,
      'invalid_request_error',
      'invalid_api_key',
      false,
    ],
    ['CLI login', runError('authentication_error'), 401, 'invalid_request_error', 'invalid_api_key', false],
    ['origin', new HttpProblem(403, 'permission_error', 'no'), 403, 'invalid_request_error', null, false],
    ['no route', new HttpProblem(404, 'not_found_error', 'no'), 404, 'invalid_request_error', null, false],
    [
      'wrong method',
      new HttpProblem(405, 'invalid_request_error', 'no', { allow: 'POST' }),
      405,
      'invalid_request_error',
      null,
      false,
    ],
    ['session in use', new ClaudeCodeSessionInUseError('s'), 409, 'invalid_request_error', null, false],
    [
      'body too large',
      new HttpProblem(413, 'request_too_large', 'big'),
      413,
      'invalid_request_error',
      null,
      false,
    ],
    [
      'content type',
      new HttpProblem(415, 'invalid_request_error', 'json'),
      415,
      'invalid_request_error',
      null,
      false,
    ],
    ['budget', runError('max_budget'), 429, 'insufficient_quota', 'insufficient_quota', false],
    [
      'proxy rate limit',
      new HttpProblem(429, 'rate_limit_error', 'slow', { 'retry-after': '9' }),
      429,
      'requests',
      'rate_limit_exceeded',
      true,
    ],
    ['API rate limit', runError('rate_limit_error'), 429, 'requests', 'rate_limit_exceeded', true],
    ['RATE_LIMITED', coded('RATE_LIMITED'), 429, 'requests', 'rate_limit_exceeded', true],
    ['aborted', new ClaudeCodeAbortError(), 499, 'invalid_request_error', null, false],
    [
      'crash',
      new ClaudeCodeProcessError('CLI crashed', { exitCode: 1, signal: null, stderrTail: '' }),
      500,
      'server_error',
      null,
      false,
    ],
    ['max turns', runError('max_turns'), 500, 'server_error', null, false],
    ['API 502', runError('api_error', 'boom', 502), 502, 'server_error', null, false],
    ['connection', runError('connection_error'), 502, 'server_error', null, false],
    ['queue full', new ClaudeCodeQueueFullError(4, 0), 503, 'server_error', null, true],
    ['breaker', new ClaudeCodeCircuitOpenError(3_000), 503, 'server_error', null, true],
    ['API overload', runError('overloaded_error'), 503, 'server_error', null, true],
    ['proxy overload', problem(529, 'overloaded_error', 'busy'), 503, 'server_error', null, true],
    ['timeout', new ClaudeCodeTimeoutError(10, 'idle'), 504, 'server_error', null, false],
    [
      'request timeout',
      problem(408, 'timeout_error', 'slow client'),
      408,
      'invalid_request_error',
      null,
      false,
    ],
    ['unknown', new Error('/secret/path exploded'), 500, 'server_error', null, false],
    ['a string', 'boom', 500, 'server_error', null, false],
  ])('%s → %i %s (%s)', (_name, error, status, type, code, retryAfter) => {
    const result = openaiErrorResponse(error);
    expect(result.status).toBe(status);
    expect(result.body.error).toMatchObject({ type, code, param: null });
    expect(result.body.error.message).not.toContain('secret');
    expect(result.headers['retry-after'] !== undefined).toBe(retryAfter);
    expect(encodeOpenAISseError(error)).toBe(`data: ${JSON.stringify(result.body)}\n\n`);
  });

  it('keeps param and code of an OpenAIApiError', () => {
    const error = new OpenAIApiError(400, "Invalid value for 'n'.", {
      param: 'n',
      code: 'unsupported_value',
    });
    expect(openaiErrorResponse(error)).toEqual({
      status: 400,
      body: {
        error: {
          message: "Invalid value for 'n'.",
          type: 'invalid_request_error',
          param: 'n',
          code: 'unsupported_value',
        },
      },
      headers: {},
    });
    expect(error.toResponse()).toEqual(openaiErrorResponse(error));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', isRetryable: false });
    expect(new OpenAIApiError(503, 'busy')).toMatchObject({ type: 'server_error', isRetryable: true });
  });

  it('decides retry-after once: the delay the error carries, else 2 s', () => {
    const limited = new HttpProblem(429, 'rate_limit_error', 'slow', { 'retry-after': '9' });
    expect(openaiErrorResponse(limited).headers).toEqual({ 'retry-after': '9' });
    expect(openaiErrorResponse(new ClaudeCodeCircuitOpenError(2_500)).headers).toEqual({
      'retry-after': '3',
    });
    expect(openaiErrorResponse(new ClaudeCodeQueueFullError(1, 0)).headers).toEqual({ 'retry-after': '2' });
    // An exhausted budget is a 429 on OpenAI, but retrying cannot help.
    expect(openaiErrorResponse(runError('max_budget')).headers).toEqual({ 'x-should-retry': 'false' });
    expect(
      openaiErrorResponse(new HttpProblem(405, 'invalid_request_error', 'no', { allow: 'POST' })).headers,
    ).toEqual({
      allow: 'POST',
    });
  });

  it('hides errors that are not ours', () => {
    expect(openaiErrorResponse(new TypeError('x is undefined')).body.error.message).toBe(
      INTERNAL_ERROR_MESSAGE,
    );
  });

  it('maps an error carrying an Anthropic error body', () => {
    const anthropic = Object.assign(new Error('429'), {
      status: 429,
      error: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    });
    expect(openaiErrorResponse(anthropic)).toMatchObject({
      status: 429,
      body: { error: { type: 'requests', code: 'rate_limit_exceeded', message: 'slow down' } },
      headers: { 'retry-after': '2' },
    });
  });
});
