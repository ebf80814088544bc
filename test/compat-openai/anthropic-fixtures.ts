/**
 * @module
 * Canned Anthropic `Message` objects and stream events, standing in for the Anthropic layer's output
 * in the OpenAI translation tests.
 */
import type { Message, RawMessageStreamEvent, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';

/** A complete Anthropic `Usage` with the given counts. */
export function usage(
  counts: Partial<
    Pick<Usage, 'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens'>
  > = {},
): Usage {
  return {
    input_tokens: 10,
    output_tokens: 5,
    cache_read_input_tokens: null,
    cache_creation_input_tokens: null,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: null,
    speed: null,
    ...counts,
  };
}

/** A complete Anthropic `Message` whose text blocks are `texts`. */
export function message(texts: string[], overrides: Partial<Message> = {}): Message {
  return {
    id: 'msg_01Test',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: texts.map((text) => ({ type: 'text', text, citations: null })),
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usage(),
    ...overrides,
  };
}

/** The event sequence the Anthropic API would stream for a reply made of `deltas`. */
export function streamEvents(
  deltas: string[],
  {
    stopReason = 'end_turn',
    final = usage({ output_tokens: 7 }),
  }: { stopReason?: StopReason; final?: Usage } = {},
): RawMessageStreamEvent[] {
  const start = message([], {
    stop_reason: null,
    usage: usage({ input_tokens: final.input_tokens, output_tokens: 1 }),
  });
  return [
    { type: 'message_start', message: start },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
    ...deltas.map((text): RawMessageStreamEvent => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    })),
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null, container: null, stop_details: null },
      usage: {
        input_tokens: null,
        output_tokens: final.output_tokens,
        cache_read_input_tokens: final.cache_read_input_tokens,
        cache_creation_input_tokens: final.cache_creation_input_tokens,
        output_tokens_details: null,
        server_tool_use: null,
      },
    },
    { type: 'message_stop' },
  ];
}

/** Replay events as an async iterable, as the Anthropic layer would deliver them. */
export async function* replay<T>(items: readonly T[]): AsyncGenerator<T, void, undefined> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/** Drain an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
