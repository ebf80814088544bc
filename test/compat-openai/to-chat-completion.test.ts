import type { StopReason } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import {
  toChatCompletion,
  toCompletionUsage,
  toFinishReason,
  toOpenAIModelList,
} from '../../src/compat/openai/index.js';
import { message, usage } from './anthropic-fixtures.js';

describe('toChatCompletion', () => {
  it('builds a chat.completion naming the model that ran (the requested one only as a fallback)', () => {
    const completion = toChatCompletion(message(['Hello', ', world']), {
      model: 'gpt-4o',
      created: 1700000000,
    });
    const { model: _ran, ...unnamed } = message(['x']);
    expect(toChatCompletion(unnamed, { model: 'gpt-4o' }).model).toBe('gpt-4o');
    expect(completion).toEqual({
      id: 'chatcmpl-msg_01Test',
      object: 'chat.completion',
      created: 1700000000,
      model: 'claude-sonnet-4-5',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello, world', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
  });

  it('skips non-text blocks and defaults id and created', () => {
    const reply = message(['Answer'], {
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 's' },
        { type: 'text', text: 'Answer', citations: null },
      ],
    });
    const completion = toChatCompletion(reply, { model: 'm' });
    expect(completion.choices[0]?.message.content).toBe('Answer');
    expect(completion.created).toBeCloseTo(Date.now() / 1000, -1);
    expect(toChatCompletion(message([], { id: '' }), { model: 'm' }).id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
  });
});

describe('toFinishReason', () => {
  it.each<[StopReason | null, string]>([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
  ])('%s → %s', (stopReason, finishReason) => {
    expect(toFinishReason(stopReason)).toBe(finishReason);
    expect(
      toChatCompletion(message(['x'], { stop_reason: stopReason }), { model: 'm' }).choices[0]?.finish_reason,
    ).toBe(finishReason);
  });
});

describe('toCompletionUsage', () => {
  it('counts cache reads and writes as prompt tokens', () => {
    expect(
      toCompletionUsage(
        usage({
          input_tokens: 3,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 20,
          output_tokens: 7,
        }),
      ),
    ).toEqual({
      prompt_tokens: 123,
      completion_tokens: 7,
      total_tokens: 130,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 },
    });
  });
});

describe('toOpenAIModelList', () => {
  it('lists models with Unix-second creation times', () => {
    expect(
      toOpenAIModelList([
        { id: 'claude-sonnet-4-5', created_at: '2025-09-29T00:00:00Z' },
        { id: 'odd', created_at: 'not a date' },
      ]),
    ).toEqual({
      object: 'list',
      data: [
        { id: 'claude-sonnet-4-5', object: 'model', created: 1759104000, owned_by: 'anthropic' },
        { id: 'odd', object: 'model', created: 0, owned_by: 'anthropic' },
      ],
    });
  });
});
