import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import {
  collectMessage,
  encodeSse,
  encodeSseError,
  encodeSsePing,
} from '../../src/compat/anthropic/index.js';
import { toStreamEvents, type StreamOutcome } from '../../src/gateway/index.js';
import { StreamEventWriter } from '../../src/compat/anthropic/stream-event-writer.js';
import {
  ClaudeRun,
  ClaudeCodeRunError,
  ClaudeCodeTimeoutError,
  type AssistantMessageEvent,
  type ClaudeCodeResponse,
  type ClaudeEvent,
} from '../../src/index.js';

const streamLine = { type: 'stream_event', api_message_id: 'msg_cli_1', parent_tool_use_id: null };

function textDelta(text: string, message: Record<string, unknown> = streamLine): ClaudeEvent {
  return { type: 'text_delta', text, index: 0, message: { ...streamLine, ...message } };
}

function response(overrides: Partial<ClaudeCodeResponse> = {}): ClaudeCodeResponse {
  const raw = { type: 'result' };
  return {
    content: 'Hello world',
    sessionId: 'sess-1',
    isError: false,
    errors: [],
    executionTimeMs: 10,
    stopReason: 'end_turn',
    metrics: {
      costUsd: 0.5,
      sessionCostUsd: 0.5,
      durationMs: 10,
      durationApiMs: 9,
      numTurns: 1,
      inputTokens: 30,
      outputTokens: 7,
      cacheReadInputTokens: 2,
      cacheCreationInputTokens: 1,
    },
    permissionDenials: [],
    messages: [],
    raw,
    ...overrides,
  };
}

/** A ClaudeRun fed from a script, as the wrapper would feed it. */
function scriptedRun(
  events: ClaudeEvent[],
  end: ClaudeCodeResponse | Error,
): { run: ClaudeRun; aborted: () => boolean } {
  let signal: AbortSignal | undefined;
  const run = new ClaudeRun((controller) => {
    signal = controller.signal;
    queueMicrotask(() => {
      for (const event of events) controller.emit(event);
      if (end instanceof Error) controller.fail(end);
      else controller.succeed(end);
    });
    controller.signal.addEventListener('abort', () => controller.fail(controller.signal.reason));
  });
  return { run, aborted: () => signal?.aborted === true };
}

async function collect(iterable: AsyncIterable<RawMessageStreamEvent>): Promise<RawMessageStreamEvent[]> {
  const out: RawMessageStreamEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

describe('toStreamEvents', () => {
  it('emits the API event sequence for a text answer', async () => {
    const { run } = scriptedRun([textDelta('Hello'), textDelta(' world')], response());
    let outcome: StreamOutcome | undefined;
    const events = await collect(
      toStreamEvents(run, { model: 'claude-x', onFinish: (o) => void (outcome = o) }),
    );
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: { id: 'msg_cli_1', model: 'claude-x', content: [], stop_reason: null },
    });
    expect(events[5]).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 30,
        output_tokens: 7,
        cache_read_input_tokens: 2,
        cache_creation_input_tokens: 1,
      },
    });
    expect(outcome).toMatchObject({ text: 'Hello world', stopReason: 'end_turn', sessionId: 'sess-1' });
  });

  it('cuts at a stop sequence split across deltas, aborts the run and reports stop_sequence', async () => {
    const { run, aborted } = scriptedRun(
      [textDelta('one two ST'), textDelta('OP three'), textDelta(' four')],
      response(),
    );
    const events = await collect(toStreamEvents(run, { model: 'm', stopSequences: ['STOP'] }));
    const message = await collectMessage(events);
    expect(message.content).toStrictEqual([{ type: 'text', text: 'one two ' }]);
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
    expect(JSON.stringify(events)).not.toContain('three');
    expect(aborted()).toBe(true);
  });

  it('throws a failed run before emitting anything', async () => {
    const failed = response({
      isError: true,
      errorType: 'overloaded_error',
      content: 'Overloaded',
      apiErrorStatus: 529,
    });
    const { run } = scriptedRun([], failed);
    const iterator = toStreamEvents(run, { model: 'm' });
    await expect(iterator.next()).rejects.toBeInstanceOf(ClaudeCodeRunError);
  });

  it('passes other run failures through', async () => {
    const { run } = scriptedRun([], new ClaudeCodeTimeoutError(5, 'total'));
    await expect(collect(toStreamEvents(run, { model: 'm' }))).rejects.toBeInstanceOf(ClaudeCodeTimeoutError);
  });
});

describe('StreamEventWriter', () => {
  it('uses the assistant message text when there were no deltas, and ignores sub-agents and API errors', () => {
    const writer = new StreamEventWriter({ model: 'm' });
    const assistant = (text: string, extra: Record<string, unknown> = {}): AssistantMessageEvent => ({
      type: 'assistant_message',
      content: [{ type: 'text', text }],
      text,
      isApiError: false,
      parentToolUseId: null,
      message: { type: 'assistant', message: { id: 'msg_a' }, parent_tool_use_id: null, ...extra },
    });
    const events = [
      ...writer.write(textDelta('sub', { parent_tool_use_id: 'toolu_1' })),
      ...writer.write(assistant('whole answer')),
      ...writer.write({ ...assistant('error text'), isApiError: true }),
      ...writer.finish(response()),
    ];
    expect(events.filter((e) => e.type === 'content_block_delta')).toEqual([
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'whole answer' } },
    ]);
    expect(events[0]).toMatchObject({ type: 'message_start', message: { id: 'msg_a' } });
  });

  it("starts with the model that ran and the upstream message_start's input usage", () => {
    const init: ClaudeEvent = {
      type: 'session_start',
      sessionId: 'sess-1',
      model: 'claude-opus-5-5',
      tools: [],
      cwd: undefined,
      permissionMode: undefined,
      cliVersion: undefined,
      message: { type: 'system', subtype: 'init' },
    };
    const upstream = (model: string, inputTokens: number): ClaudeEvent => ({
      type: 'message_start',
      messageId: 'msg_cli_1',
      model,
      inputTokens,
      cacheReadInputTokens: 4,
      cacheCreationInputTokens: 5,
      message: streamLine,
    });
    const writer = new StreamEventWriter({ model: 'gpt-4o' });
    const events = [
      ...writer.write(init),
      ...writer.write(upstream('claude-sonnet-5-5', 123)),
      ...writer.write(textDelta('Hi')),
      // A later API call of the same run does not change what message_start said.
      ...writer.write(upstream('claude-haiku-4-5', 999)),
      ...writer.write(textDelta('!')),
      ...writer.finish(response()),
    ];
    expect(events.filter((e) => e.type === 'message_start')).toEqual([
      {
        type: 'message_start',
        message: expect.objectContaining({
          model: 'claude-sonnet-5-5',
          usage: expect.objectContaining({
            input_tokens: 123,
            output_tokens: 0,
            cache_read_input_tokens: 4,
            cache_creation_input_tokens: 5,
          }),
        }),
      },
    ]);
    expect(events.find((e) => e.type === 'content_block_start')).toStrictEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    // Only the CLI's init line: its model. Nothing at all: the requested name.
    const fromInit = new StreamEventWriter({ model: 'gpt-4o' });
    const initOnly = [...fromInit.write(init), ...fromInit.write(textDelta('Hi'))];
    expect(initOnly[0]).toMatchObject({ message: { model: 'claude-opus-5-5', usage: { input_tokens: 0 } } });
    expect(new StreamEventWriter({ model: 'gpt-4o' }).write(textDelta('Hi'))[0]).toMatchObject({
      message: { model: 'gpt-4o' },
    });
  });

  it('emits an empty text block for an empty answer, with a generated id', () => {
    const events = new StreamEventWriter({ model: 'm' }).finish(response({ content: '' }));
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({ message: { id: expect.stringMatching(/^msg_01[0-9A-Za-z]{22}$/) } });
  });

  it('puts thinking in its own block when asked', () => {
    const writer = new StreamEventWriter({ model: 'm', includeThinking: true });
    const thinking: ClaudeEvent = { type: 'thinking_delta', thinking: 'hmm', index: 0, message: streamLine };
    const events = [
      ...writer.write(thinking),
      ...writer.write(textDelta('answer')),
      ...writer.finish(response()),
    ];
    expect(events.map((e) => (e.type === 'content_block_start' ? e.content_block.type : e.type))).toEqual([
      'message_start',
      'thinking',
      'content_block_delta',
      'content_block_stop',
      'text',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const hidden = new StreamEventWriter({ model: 'm' });
    expect(hidden.write(thinking)).toEqual([]);
  });
});

describe('SSE encoding', () => {
  it('frames each event as event/data lines, in order', async () => {
    const { run } = scriptedRun([textDelta('Hi')], response({ content: 'Hi' }));
    const frames = (await collect(toStreamEvents(run, { model: 'm' }))).map(encodeSse);
    expect(frames.map((f) => f.split('\n')[0])).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
    for (const frame of frames) {
      expect(frame).toMatch(/^event: [a-z_]+\ndata: \{.*\}\n\n$/);
      const data = JSON.parse(frame.split('\n')[1]?.slice('data: '.length) ?? '') as { type: string };
      expect(frame.startsWith(`event: ${data.type}\n`)).toBe(true);
    }
  });

  it('encodes errors and pings', () => {
    expect(encodeSseError(new ClaudeCodeTimeoutError(1000, 'total'))).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"Claude Code run timed out after 1000 ms (timeoutMs); the CLI process was killed"}}\n\n',
    );
    expect(encodeSsePing()).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });
});
