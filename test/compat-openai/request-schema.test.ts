import { describe, expect, it } from 'vitest';
import {
  OpenAIApiError,
  parseChatCompletionRequest,
  parseImageDataUrl,
} from '../../src/compat/openai/index.js';

const user = { role: 'user', content: 'Hi' };

/** The OpenAI error body a body fails with. */
function errorFor(body: unknown) {
  try {
    parseChatCompletionRequest(body);
  } catch (error) {
    if (!OpenAIApiError.isInstance(error)) throw error;
    return error.toResponse();
  }
  throw new Error('expected the request to be rejected');
}

describe('parseChatCompletionRequest', () => {
  it('accepts a minimal request and keeps unknown fields', () => {
    const request = parseChatCompletionRequest({ model: 'sonnet', messages: [user], some_future_field: 1 });
    expect(request.model).toBe('sonnet');
    expect(request['some_future_field']).toBe(1);
  });

  it.each([
    [{ messages: [user] }, 'model', "Missing required parameter: 'model'.", 'missing_required_parameter'],
    [{ model: 'm' }, 'messages', "Missing required parameter: 'messages'.", 'missing_required_parameter'],
    [{ model: 'm', messages: [] }, 'messages', "Invalid value for 'messages'", 'invalid_value'],
    [
      { model: 3, messages: [user] },
      'model',
      "Invalid type for 'model': expected string, received number.",
      'invalid_type',
    ],
    [
      { model: 'm', messages: [{ role: 'robot', content: 'x' }] },
      'messages[0].role',
      "Invalid value for 'messages[0].role': expected one of 'system', 'developer', 'user', 'assistant', 'tool', 'function', received 'robot'.",
      'invalid_value',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: 5 }] },
      'messages[0].content',
      "Invalid value for 'messages[0].content': expected string or array, received number.",
      'invalid_value',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] },
      'messages[0].content[0].text',
      "Invalid type for 'messages[0].content[0].text': expected string, received number.",
      'invalid_type',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] },
      'messages[0].content[0].type',
      "content part type 'input_audio' is not supported",
      'unsupported_value',
    ],
    [
      { model: 'm', messages: [user], n: 2 },
      'n',
      "Invalid value for 'n': only n=1 is supported, got 2.",
      'unsupported_value',
    ],
    [{ model: 'm', messages: [user], n: 1.5 }, 'n', "Invalid type for 'n': expected integer", 'invalid_type'],
    [
      { model: 'm', messages: [user], temperature: 3 },
      'temperature',
      "Invalid value for 'temperature'",
      'invalid_value',
    ],
    [{ model: 'm', messages: [user], stream: 'yes' }, 'stream', "Invalid type for 'stream'", 'invalid_type'],
    [
      { model: 'm', messages: [{ role: 'function', name: 'f', content: 'x' }] },
      'messages[0].role',
      "Invalid value for 'messages[0].role': function messages are not supported; use tool messages.",
      'unsupported_value',
    ],
    [
      { model: 'm', messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].tool_call_id',
      "Missing required parameter: 'messages[0].tool_call_id'.",
      'missing_required_parameter',
    ],
    [
      { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1' }] }] },
      'messages[0].tool_calls[0].type',
      'Invalid value for \'messages[0].tool_calls[0].type\': expected "function".',
      'invalid_value',
    ],
  ])('rejects %j naming %s', (body, param, message, code) => {
    const { status, body: error } = errorFor(body);
    expect(status).toBe(400);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(error.error.message).toContain(message);
  });

  it('reports a missing discriminator as missing and bounds echoed values', () => {
    expect(errorFor({ model: 'm', messages: [{ content: 'x' }] }).body.error).toMatchObject({
      param: 'messages[0].role',
      message: "Missing required parameter: 'messages[0].role'.",
      code: 'missing_required_parameter',
    });
    const long = errorFor({ model: 'm', messages: [{ role: 'r'.repeat(10_000), content: 'x' }] }).body.error;
    expect(long.message).toContain(`received '${'r'.repeat(40)}...'`);
    expect(long.message.length).toBeLessThan(200);
  });

  it('rejects a non-object body without a param', () => {
    expect(errorFor('hello').body.error).toMatchObject({
      param: null,
      message: expect.stringContaining('body'),
    });
  });

  it('rejects http(s) image URLs with a clear 400 naming the field', () => {
    const content = [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }];
    const { status, body } = errorFor({ model: 'm', messages: [{ role: 'user', content }] });
    expect(status).toBe(400);
    expect(body.error.param).toBe('messages[0].content[0].image_url.url');
    expect(body.error.code).toBe('unsupported_value');
    expect(body.error.message).toMatch(/http\(s\) are not supported.*base64 data URL/);
  });
});

describe('parseImageDataUrl', () => {
  it('parses media type and data', () => {
    expect(parseImageDataUrl('data:image/png;base64,iVBORw0KGgo=')).toEqual({
      ok: true,
      type: 'base64',
      media_type: 'image/png',
      data: 'iVBORw0KGgo=',
    });
    expect(parseImageDataUrl('data:IMAGE/JPG;name=a.jpg;base64,/9j/\n4AAQ')).toMatchObject({
      ok: true,
      media_type: 'image/jpeg',
      data: '/9j/4AAQ',
    });
  });

  it.each([
    ['http://x/y.png', 'unsupported_value'],
    ['data:image/bmp;base64,Qk0=', 'unsupported_value'],
    ['data:image/png,rawbytes', 'invalid_value'],
    ['data:image/png;base64,not base64!', 'invalid_value'],
    ['file:///tmp/a.png', 'invalid_value'],
  ])('refuses %s', (url, code) => {
    expect(parseImageDataUrl(url)).toMatchObject({ ok: false, code });
  });
});
