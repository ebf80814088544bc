import { describe, expect, it } from 'vitest';
import {
  AnthropicApiError,
  parseCountTokensRequest,
  parseMessagesRequest,
} from '../../src/compat/anthropic/index.js';

const base = { model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

function errorOf(body: unknown): AnthropicApiError {
  try {
    parseMessagesRequest(body);
  } catch (error) {
    if (AnthropicApiError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('parseMessagesRequest', () => {
  it('accepts a minimal request and normalises string content to a text block', () => {
    const { request, unknownFields } = parseMessagesRequest(base);
    expect(request.messages[0]?.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(unknownFields).toEqual([]);
  });

  it('normalises a string system prompt to text blocks', () => {
    const { request } = parseMessagesRequest({ ...base, system: 'be brief' });
    expect(request.system).toEqual([{ type: 'text', text: 'be brief' }]);
  });

  it('reports unknown top-level fields instead of failing', () => {
    const { unknownFields } = parseMessagesRequest({ ...base, frequency_penalty: 1, logit_bias: {} });
    expect(unknownFields).toEqual(['frequency_penalty', 'logit_bias']);
  });

  it('accepts every supported block type', () => {
    const { request } = parseMessagesRequest({
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'look', cache_control: { type: 'ephemeral' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_1', name: 'calc', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '2' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(request.messages).toHaveLength(3);
  });

  it.each([
    [{ ...base, max_tokens: undefined }, 'max_tokens: Field required'],
    [{ ...base, max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
    [{ ...base, model: '' }, 'model: String should have at least 1 character'],
    [{ ...base, messages: [] }, 'messages: List should have at least 1 item'],
    [{ ...base, temperature: 3 }, 'temperature: Input should be less than or equal to 1'],
    [
      {
        ...base,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 5 },
        ],
      },
      'messages.1.content: Input should be a valid string or a list of content blocks',
    ],
    [
      { ...base, messages: [{ role: 'robot', content: 'a' }] },
      "messages.0: Input tag 'robot' found using 'role' does not match any of the expected tags: 'user', 'assistant', 'system'",
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
      "messages.0.content.0: Input tag 'document' found using 'type' does not match any of the expected tags",
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'messages.0.content.0.text: Field required',
    ],
    [
      {
        ...base,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AA==' } }],
          },
        ],
      },
      "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
  ])('rejects %j with a message naming the field', (body, message) => {
    const error = errorOf(body);
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain(message);
  });

  it('rejects image URLs with a clear explanation', () => {
    const error = errorOf({
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
      ],
    });
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^messages\.0\.content\.0\.source: image URLs are not supported.*base64/);
  });

  it('rejects a body that is not an object', () => {
    expect(errorOf([1, 2]).message).toBe('The request body must be a JSON object');
    expect(errorOf(null).status).toBe(400);
  });

  it('says how many more problems there are', () => {
    expect(errorOf({}).message).toMatch(/^model: Field required \(and 2 more problems\)$/);
  });
});

describe('parseCountTokensRequest', () => {
  it('does not need max_tokens', () => {
    const { request } = parseCountTokensRequest({
      model: 'opus',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(request.model).toBe('opus');
  });
});
