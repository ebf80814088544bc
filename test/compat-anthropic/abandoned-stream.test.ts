/**
 * An upstream stream that breaks mid-answer: the real CLI (2.1.330) closes the streamed message,
 * asks again without streaming, and prints the new answer as a complete `assistant` message with a
 * new id (captured with the real CLI behind a connection-cutting proxy). The writer must neither
 * end with the truncated text nor glue the new answer onto it.
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { collectMessage } from '../../src/compat/anthropic/message-accumulator.js';
import { StreamEventWriter } from '../../src/compat/anthropic/stream-event-writer.js';
import type { CliMessage } from '../../src/core/cli-message.js';
import { messageToEvents } from '../../src/core/message-to-events.js';

const top = { parent_tool_use_id: null, session_id: 's' };

function streamed(id: string, deltas: string[]): CliMessage[] {
  return [
    { type: 'stream_event', ...top, event: { type: 'message_start', message: { id, usage: {} } } },
    {
      type: 'stream_event',
      ...top,
      event: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    ...deltas.map((text) => ({
      type: 'stream_event',
      ...top,
      event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    })),
  ] as CliMessage[];
}

function assistant(
  id: string,
  text: string,
  extra: Record<string, unknown>[] = [],
  stopReason?: string,
): CliMessage {
  return {
    type: 'assistant',
    ...top,
    message: { id, role: 'assistant', content: [{ type: 'text', text }, ...extra], stop_reason: stopReason },
  } as CliMessage;
}

const closing = [
  { type: 'stream_event', ...top, event: { type: 'content_block_stop', index: 0 } },
  { type: 'stream_event', ...top, event: { type: 'message_stop' } },
] as CliMessage[];

function feed(lines: CliMessage[]): { events: RawMessageStreamEvent[]; text: string } {
  const writer = new StreamEventWriter({ model: 'claude-sonnet-5-5' });
  const events: RawMessageStreamEvent[] = [];
  for (const line of lines) for (const event of messageToEvents(line)) events.push(...writer.write(event));
  return { events, text: writer.text };
}

describe('a streamed message abandoned after a broken upstream stream', () => {
  it('continues with the rest when the new answer starts with what was sent', () => {
    const { text } = feed([
      ...streamed('msg_1', ['alpha ']),
      ...closing,
      assistant('msg_2', 'alpha beta gamma'),
    ]);
    expect(text).toBe('alpha beta gamma');
  });

  it('fails with a retryable 502 when the new answer differs from what was sent', () => {
    expect(() =>
      feed([...streamed('msg_1', ['alpha ']), ...closing, assistant('msg_2', 'You said: hello')]),
    ).toThrow(expect.objectContaining({ status: 502, isRetryable: true }));
  });

  it('sends a normal streamed answer once (the assistant line of the same message adds nothing)', () => {
    const { text } = feed([
      ...streamed('msg_1', ['Hello ', 'world']),
      assistant('msg_1', 'Hello world'),
      ...closing,
    ]);
    expect(text).toBe('Hello world');
  });
});

/** The whole answer as `messages.create` folds it, with the writer in its `replaceable` mode. */
async function fold(lines: CliMessage[], clientTools?: string[]) {
  const writer = new StreamEventWriter({
    model: 'claude-sonnet-5-5',
    replaceable: true,
    clientTools: clientTools && new Set(clientTools),
  });
  const events: RawMessageStreamEvent[] = [];
  for (const line of lines) for (const event of messageToEvents(line)) events.push(...writer.write(event));
  events.push(...writer.finish(undefined));
  return { message: await collectMessage(events), writer };
}

describe('an abandoned message in an answer folded before anyone sees it (messages.create)', () => {
  it('takes the new answer when it differs from what was streamed', async () => {
    const { message, writer } = await fold([
      ...streamed('msg_1', ['alpha ']),
      ...closing,
      assistant('msg_2', 'You said: hello'),
    ]);
    expect(message.content).toEqual([{ type: 'text', text: 'You said: hello' }]);
    expect(writer.text).toBe('You said: hello');
  });

  it('keeps what earlier messages of the answer said', async () => {
    const { message } = await fold([
      ...streamed('msg_1', ['intro. ']),
      { type: 'stream_event', ...top, event: { type: 'message_stop' } } as CliMessage,
      assistant('msg_1', 'intro. '),
      ...streamed('msg_2', ['alpha ']),
      ...closing,
      assistant('msg_3', 'You said: hello'),
    ]);
    expect(message.content).toEqual([{ type: 'text', text: 'intro. You said: hello' }]);
  });

  it('ends at client tool calls the new answer makes', async () => {
    const call = { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } };
    const { message, writer } = await fold(
      [...streamed('msg_1', ['alpha ']), ...closing, assistant('msg_2', 'Looking.', [call], 'tool_use')],
      ['lookup'],
    );
    expect(writer.suspendedOn).toEqual(['toolu_1']);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: 'Looking.' },
      expect.objectContaining({ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }),
    ]);
  });
});
