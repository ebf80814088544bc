/**
 * StreamEventWriter with structured output: the model's text never reaches the caller, the
 * document from the result is the answer's one text block, and the fold of the events agrees.
 */
import { describe, expect, it } from 'vitest';
import { collectMessage } from '../../src/compat/anthropic/message-accumulator.js';
import { StreamEventWriter } from '../../src/compat/anthropic/stream-event-writer.js';
import type { ClaudeCodeResponse, ClaudeEvent } from '../../src/index.js';

const line = { type: 'stream_event', api_message_id: 'msg_cli_1', parent_tool_use_id: null };

function result(overrides: Partial<ClaudeCodeResponse> = {}): ClaudeCodeResponse {
  return {
    content: '{"a":1}',
    sessionId: 'sess-1',
    isError: false,
    errors: [],
    executionTimeMs: 10,
    stopReason: 'tool_use',
    metrics: {
      costUsd: 0.1,
      sessionCostUsd: 0.1,
      durationMs: 10,
      durationApiMs: 9,
      numTurns: 2,
      inputTokens: 30,
      outputTokens: 7,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
    },
    permissionDenials: [],
    messages: [],
    raw: { type: 'result' },
    ...overrides,
  };
}

const cliEvents: ClaudeEvent[] = [
  {
    type: 'message_start',
    messageId: 'msg_cli_1',
    inputTokens: 30,
    cacheReadInputTokens: 0,
    cacheCreationInputTokens: 0,
    message: line,
  },
  { type: 'text_delta', text: 'Let me answer.', index: 0, message: line },
  {
    type: 'tool_use_start',
    id: 'toolu_1',
    name: 'StructuredOutput',
    index: 1,
    message: line,
  },
  { type: 'tool_input_delta', partialJson: '{"a":1}', index: 1, message: line },
];

function run(writer: StreamEventWriter, response: ClaudeCodeResponse) {
  return [...cliEvents.flatMap((event) => writer.write(event)), ...writer.finish(response)];
}

describe('StreamEventWriter with structuredOutput', () => {
  it('answers with the document only, and the fold is the same text', async () => {
    const writer = new StreamEventWriter({ model: 'm', structuredOutput: true });
    const events = run(writer, result({ structuredOutput: { a: 1, b: [true] } }));
    const deltas = events.flatMap((e) =>
      e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? [e.delta.text] : [],
    );
    expect(deltas).toEqual(['{"a":1,"b":[true]}']);
    expect(events.some((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use')).toBe(
      false,
    );
    const message = await collectMessage(events);
    expect(message.content).toStrictEqual([{ type: 'text', text: '{"a":1,"b":[true]}' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(writer.text).toBe('{"a":1,"b":[true]}');
  });

  it('falls back to the result text when the run gave no document', async () => {
    const writer = new StreamEventWriter({ model: 'm', structuredOutput: true });
    const message = await collectMessage(
      run(writer, result({ content: 'no json here', stopReason: 'end_turn' })),
    );
    expect(message.content).toMatchObject([{ type: 'text', text: 'no json here' }]);
  });

  it('without structuredOutput the text passes as before', async () => {
    const writer = new StreamEventWriter({ model: 'm' });
    const message = await collectMessage(run(writer, result({ structuredOutput: { a: 1 } })));
    expect(message.content).toMatchObject([{ type: 'text', text: 'Let me answer.' }]);
  });
});
