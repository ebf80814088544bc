import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import {
  OPENAI_SSE_DONE,
  encodeOpenAISse,
  encodeOpenAISseError,
  toChatCompletionChunks,
} from '../../src/compat/openai/index.js';
import { AnthropicApiError } from '../../src/compat/anthropic/errors.js';
import { collect, replay, streamEvents, usage } from './anthropic-fixtures.js';

const options = { model: 'gpt-4o', created: 1700000000 };

describe('toChatCompletionChunks', () => {
  it('emits role, text, finish and usage chunks with a choices array on each, naming the model that ran', async () => {
    const events = streamEvents(['Hel', '', 'lo'], {
      final: usage({ input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 4 }),
    });
    const chunks = await collect(toChatCompletionChunks(replay(events), { ...options, includeUsage: true }));
    const shared = {
      id: 'chatcmpl-msg_01Test',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'claude-sonnet-4-5',
    };
    expect(chunks).toEqual([
      {
        ...shared,
        choices: [
          { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null },
        ],
        usage: null,
      },
      {
        ...shared,
        choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null, logprobs: null }],
        usage: null,
      },
      {
        ...shared,
        choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null, logprobs: null }],
        usage: null,
      },
      { ...shared, choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }], usage: null },
      {
        ...shared,
        choices: [],
        usage: {
          prompt_tokens: 14,
          completion_tokens: 7,
          total_tokens: 21,
          prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 0 },
        },
      },
    ]);
  });

  it('omits usage entirely without includeUsage and maps the stop reason', async () => {
    const events = streamEvents(['a'], { stopReason: 'max_tokens' });
    const chunks = await collect(toChatCompletionChunks(replay(events), { ...options, includeUsage: false }));
    expect(chunks).toHaveLength(3);
    expect(chunks.every((chunk) => !('usage' in chunk) && Array.isArray(chunk.choices))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
  });

  it('ignores thinking deltas and still finishes a stream cut before message_stop', async () => {
    const events = streamEvents(['x']).slice(0, -1);
    const thinking: RawMessageStreamEvent = {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'thinking_delta', thinking: 'hmm' },
    };
    const chunks = await collect(
      toChatCompletionChunks(replay([...events.slice(0, 2), thinking, ...events.slice(2)]), {
        ...options,
        includeUsage: true,
      }),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? null)).toEqual(['', 'x', null, null]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(7);
  });

  it('yields nothing for an empty stream, and propagates upstream failures', async () => {
    expect(await collect(toChatCompletionChunks(replay([]), { ...options, includeUsage: true }))).toEqual([]);
    async function* failing(): AsyncGenerator<RawMessageStreamEvent> {
      yield* replay(streamEvents(['a']).slice(0, 3));
      throw new Error('CLI died');
    }
    await expect(
      collect(toChatCompletionChunks(failing(), { ...options, includeUsage: false })),
    ).rejects.toThrow('CLI died');
  });
});

describe('SSE framing', () => {
  it('encodes chunks, the DONE sentinel and error frames', async () => {
    const [first] = await collect(
      toChatCompletionChunks(replay(streamEvents(['a'])), { ...options, includeUsage: false }),
    );
    if (first === undefined) throw new Error('no chunk');
    const frame = encodeOpenAISse(first);
    expect(frame).toMatch(/^data: \{.*\}\n\n$/s);
    expect(JSON.parse(frame.slice('data: '.length))).toEqual(first);
    expect(OPENAI_SSE_DONE).toBe('data: [DONE]\n\n');
    const overloaded = new AnthropicApiError(529, 'overloaded_error', 'Overloaded');
    expect(encodeOpenAISseError(overloaded)).toBe(
      'data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":null}}\n\n',
    );
  });
});
