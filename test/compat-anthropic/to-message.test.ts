import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import {
  accumulateEvent,
  collectMessage,
  createMessage,
  generateMessageId,
  textBlock,
  toStopReason,
  toUsage,
} from '../../src/compat/anthropic/index.js';
import type { RunMetrics } from '../../src/index.js';

const metrics: RunMetrics = {
  costUsd: 0.1,
  sessionCostUsd: 0.1,
  durationMs: 1,
  durationApiMs: 1,
  numTurns: 1,
  inputTokens: 11,
  outputTokens: 22,
  cacheReadInputTokens: 3,
  cacheCreationInputTokens: 4,
};

describe('createMessage / toUsage', () => {
  it('builds a complete Message, usage from the run metrics', () => {
    const message: Message = createMessage({
      id: 'msg_final',
      model: 'sonnet',
      content: [{ type: 'text', text: 'Answer.', citations: null }],
      stopReason: toStopReason('end_turn'),
      stopSequence: null,
      usage: toUsage(metrics),
    });
    expect(message).toEqual({
      id: 'msg_final',
      type: 'message',
      role: 'assistant',
      model: 'sonnet',
      content: [{ type: 'text', text: 'Answer.', citations: null }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: 11,
        output_tokens: 22,
        cache_creation_input_tokens: 4,
        cache_read_input_tokens: 3,
        cache_creation: null,
        inference_geo: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        speed: null,
      },
    });
  });

  it('generates ids in the API format', () => {
    expect(generateMessageId()).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
  });

  it('maps stop reasons', () => {
    expect(toStopReason('max_tokens')).toBe('max_tokens');
    expect(toStopReason('refusal')).toBe('refusal');
    expect(toStopReason('tool_use')).toBe('end_turn');
    expect(toStopReason(undefined)).toBe('end_turn');
  });
});

describe('accumulateEvent / collectMessage', () => {
  it('folds the event sequence into the message', async () => {
    const start = createMessage({
      id: 'msg_x',
      model: 'm',
      content: [],
      stopReason: null,
      stopSequence: null,
      usage: toUsage(),
    });
    const events: RawMessageStreamEvent[] = [
      { type: 'message_start', message: start },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: null } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '!' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null, stop_details: null, container: null },
        usage: {
          input_tokens: 5,
          output_tokens: 9,
          cache_creation_input_tokens: null,
          cache_read_input_tokens: null,
          output_tokens_details: null,
          server_tool_use: null,
        },
      },
      { type: 'message_stop' },
    ];
    const message = await collectMessage(events);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'hm', signature: 'sig' },
      { type: 'text', text: 'Hi!', citations: null },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 5, output_tokens: 9, cache_read_input_tokens: 0 });
    expect(message.stop_reason).toBe('end_turn');
    expect(start.content).toEqual([]);
  });

  it('writes text blocks without a citations key, and adds one only when citations arrive', async () => {
    expect(textBlock('x')).toStrictEqual({ type: 'text', text: 'x' });
    const start = createMessage({
      id: 'msg_c',
      model: 'm',
      content: [],
      stopReason: null,
      stopSequence: null,
      usage: toUsage(),
    });
    const citation = {
      type: 'char_location',
      cited_text: 'a',
      document_index: 0,
      document_title: null,
      start_char_index: 0,
      end_char_index: 1,
      file_id: null,
    } as const;
    const message = await collectMessage([
      { type: 'message_start', message: start },
      { type: 'content_block_start', index: 0, content_block: textBlock('') },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: textBlock('') },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'b' } },
      { type: 'content_block_stop', index: 1 },
    ]);
    expect(message.content).toStrictEqual([
      { type: 'text', text: 'a', citations: [citation] },
      { type: 'text', text: 'b' },
    ]);
  });

  it('rejects events before message_start', () => {
    expect(() => accumulateEvent(undefined, { type: 'message_stop' })).toThrow(/before message_start/);
  });
});
