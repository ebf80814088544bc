import { describe, expect, it } from 'vitest';
import { ClaudeCodeError } from '../../src/core/errors/index.js';
import { OpenAIApiError, fromUnknownError, toOpenAIError } from '../../src/compat/openai/index.js';

describe('toOpenAIError', () => {
  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error', null],
    [413, 'invalid_request_error', 413, 'invalid_request_error', null],
    [500, 'invalid_request_error', 400, 'invalid_request_error', null],
    [413, 'request_too_large', 413, 'invalid_request_error', null],
    [401, 'authentication_error', 401, 'invalid_request_error', 'invalid_api_key'],
    [402, 'billing_error', 429, 'insufficient_quota', 'insufficient_quota'],
    [403, 'permission_error', 403, 'invalid_request_error', null],
    [404, 'not_found_error', 404, 'invalid_request_error', null],
    [409, 'conflict_error', 409, 'invalid_request_error', null],
    [429, 'rate_limit_error', 429, 'requests', 'rate_limit_exceeded'],
    [500, 'api_error', 500, 'server_error', null],
    [502, 'api_error', 502, 'server_error', null],
    [200, 'api_error', 500, 'server_error', null],
    [529, 'overloaded_error', 503, 'server_error', null],
    [504, 'timeout_error', 504, 'server_error', null],
    [408, 'timeout_error', 504, 'server_error', null],
    [422, 'something_new', 422, 'invalid_request_error', null],
    [599, 'something_new', 599, 'server_error', null],
    [0, 'something_new', 500, 'server_error', null],
    [500, 'toString', 500, 'server_error', null],
  ])('%i %s → %i %s (%s)', (status, anthropicType, openaiStatus, openaiType, code) => {
    expect(toOpenAIError(status, anthropicType, 'msg')).toEqual({
      status: openaiStatus,
      body: { error: { message: 'msg', type: openaiType, param: null, code } },
    });
  });
});

describe('fromUnknownError', () => {
  it('answers for an OpenAIApiError', () => {
    const error = new OpenAIApiError(400, "Invalid value for 'n'.", {
      param: 'n',
      code: 'unsupported_value',
    });
    expect(fromUnknownError(error)).toEqual({
      status: 400,
      body: {
        error: {
          message: "Invalid value for 'n'.",
          type: 'invalid_request_error',
          param: 'n',
          code: 'unsupported_value',
        },
      },
    });
    expect(ClaudeCodeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', isRetryable: false });
    expect(new OpenAIApiError(503, 'busy')).toMatchObject({ type: 'server_error', isRetryable: true });
  });

  it('maps an error carrying an Anthropic error body', () => {
    const anthropic = Object.assign(new Error('429'), {
      status: 429,
      error: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    });
    expect(fromUnknownError(anthropic)).toMatchObject({
      status: 429,
      body: { error: { type: 'requests', code: 'rate_limit_exceeded', message: 'slow down' } },
    });
  });

  it('hides anything else behind a 500', () => {
    for (const thrown of [new Error('/secret/path exploded'), 'boom', null, { status: 'x' }]) {
      const { status, body } = fromUnknownError(thrown);
      expect(status).toBe(500);
      expect(body.error).toMatchObject({ type: 'server_error', param: null, code: null });
      expect(body.error.message).not.toContain('secret');
    }
  });
});
