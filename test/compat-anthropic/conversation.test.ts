import { describe, expect, it } from 'vitest';
import {
  parseMessagesRequest,
  translateRequest,
  type RequestMessage,
} from '../../src/compat/anthropic/index.js';
import {
  buildContextForUnknownHistory,
  canonicalJson,
  conversationKey,
  planConversation,
  rememberAnswer,
} from '../../src/gateway/index.js';
import { STORE_LOOKUP_FAILED } from '../../src/gateway/conversation.js';
import { MemorySessionStore, type SessionStore } from '../../src/session/session-store.js';

function messages(raw: unknown[]): RequestMessage[] {
  return parseMessagesRequest({ model: 'm', max_tokens: 1, messages: raw }).request.messages;
}

function translated(raw: unknown[], system?: string) {
  return translateRequest(
    parseMessagesRequest({
      model: 'claude-opus-5-5',
      max_tokens: 1,
      messages: raw,
      ...(system ? { system } : {}),
    }),
  );
}

describe('conversationKey', () => {
  const key = (raw: unknown[], extra: { model?: string; system?: string } = {}) =>
    conversationKey({ model: extra.model ?? 'm', system: extra.system, messages: messages(raw) });

  it('is a stable sha256 hex digest', () => {
    const a = key([{ role: 'user', content: 'hi' }]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(key([{ role: 'user', content: 'hi' }])).toBe(a);
  });

  it('treats string content, text blocks, cache_control, citations, thinking and outer whitespace alike', () => {
    const plain = key([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
    const decorated = key([
      { role: 'user', content: [{ type: 'text', text: 'hi ', cache_control: { type: 'ephemeral' } }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'greet back', signature: 's' },
          { type: 'text', text: 'hello', citations: null },
        ],
      },
    ]);
    expect(decorated).toBe(plain);
  });

  it('changes with the model, the system prompt, the roles and the text', () => {
    const base = key([{ role: 'user', content: 'hi' }]);
    expect(key([{ role: 'user', content: 'hi' }], { model: 'other' })).not.toBe(base);
    expect(key([{ role: 'user', content: 'hi' }], { system: 'S' })).not.toBe(base);
    expect(key([{ role: 'user', content: 'hi!' }])).not.toBe(base);
    expect(key([{ role: 'assistant', content: 'hi' }])).not.toBe(base);
  });

  it('sorts object keys in canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"x":2,"y":1}]},"b":1}',
    );
  });
});

describe('planConversation / rememberAnswer', () => {
  it('plans a new run for a single message', async () => {
    const plan = await planConversation(
      new MemorySessionStore(),
      translated([{ role: 'user', content: 'hi' }]),
    );
    expect(plan).toEqual({ context: 'new', prompt: [{ type: 'text', text: 'hi' }], warnings: [] });
  });

  it('resumes a remembered conversation with only the new turn', async () => {
    const store = new MemorySessionStore();
    const first = translated([{ role: 'user', content: 'hi' }], 'S');
    await rememberAnswer(store, first, 'hello!', { sessionId: 'session-1' });
    const second = translated(
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'hello!', citations: null }] },
        { role: 'user', content: 'more' },
      ],
      'S',
    );
    expect(await planConversation(store, second)).toEqual({
      context: 'resumed',
      resumeSessionId: 'session-1',
      prompt: [{ type: 'text', text: 'more' }],
      warnings: [],
    });
  });

  it('flattens an unknown history, and a history whose store lookup fails', async () => {
    const request = translated([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
    ]);
    const plan = await planConversation(new MemorySessionStore(), request);
    expect(plan.context).toBe('flattened');
    const broken: SessionStore = {
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const fallback = await planConversation(broken, request);
    expect(fallback.context).toBe('flattened');
    // The caller gets the gist; the error itself (it may name server paths) stays on the server.
    expect(fallback.warnings).toEqual([STORE_LOOKUP_FAILED]);
  });
});

describe('buildContextForUnknownHistory', () => {
  it('writes the history with role markers, then the new turn', () => {
    const history = messages([
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: [{ type: 'text', text: '4.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'See:' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        ],
      },
      { role: 'assistant', content: 'A square.' },
    ]);
    const prompt = buildContextForUnknownHistory(history, [{ type: 'text', text: 'And times 3?' }]);
    expect(prompt).toEqual([
      {
        type: 'text',
        text: expect.stringMatching(
          /^The conversation so far .*\n\n<conversation_history>\nHuman: What is 2\+2\?\n\nAssistant: 4\.\n\nHuman: See:$/s,
        ),
      },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
      { type: 'text', text: '\n\nAssistant: A square.\n</conversation_history>\n\nAnd times 3?' },
    ]);
  });
});
