/**
 * @module
 * Anthropic stream events → OpenAI `chat.completion.chunk` objects, for `stream: true`.
 *
 * Sequence: a role chunk (`delta: { role: 'assistant', content: '' }`) when the first event arrives,
 * one chunk per non-empty text delta, per tool call a chunk opening it (`tool_calls: [{ index, id,
 * type: 'function', function: { name, arguments: '' } }]`) and one per argument fragment
 * (`tool_calls: [{ index, function: { arguments } }]`), a finish chunk (`delta: {}` and
 * `finish_reason`) at `message_stop`, then, with `includeUsage`, a usage chunk whose `choices` is
 * `[]`. Every chunk carries the same `id`, `created` and `model` (the model that ran, from
 * `message_start`), and a `choices` array. Tool call
 * `index` counts tool calls (0, 1, ...), not Anthropic content blocks.
 */
import type { RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import {
  nowInSeconds,
  toCompletionId,
  toCompletionUsage,
  toFinishReason,
  type ResponseOptions,
  type UsageLike,
} from './response-fields.js';

/** Options for {@link toChatCompletionChunks}. */
export interface ChunkOptions extends ResponseOptions {
  /** `stream_options.include_usage`: end with a usage chunk, and send `usage: null` before it. */
  readonly includeUsage: boolean;
}

type Delta = ChatCompletionChunk.Choice.Delta;
type ChunkFinishReason = ChatCompletionChunk.Choice['finish_reason'];

/**
 * Translate an Anthropic event stream into OpenAI chunks. Nothing is yielded before the first event,
 * so a route can still answer with an HTTP error if the run fails before producing anything. Errors
 * from `events` propagate; breaking out of the loop returns (and so cleans up) `events`.
 *
 * @param events - the Anthropic layer's stream for one message
 * @param options - `model` is the id the client requested, the fallback when the stream's
 *   `message_start` names no model
 * @example
 * ```ts
 * for await (const chunk of toChatCompletionChunks(events, { model, includeUsage })) {
 *   await write(encodeOpenAISse(chunk));
 * }
 * await write(OPENAI_SSE_DONE);
 * ```
 */
export async function* toChatCompletionChunks(
  events: AsyncIterable<RawMessageStreamEvent>,
  options: ChunkOptions,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let build: ChunkBuilder | undefined;
  let usage: UsageLike = { input_tokens: 0, output_tokens: 0 };
  let stopReason: StopReason | null = null;
  let finished = false;
  // Anthropic block index → OpenAI tool call index.
  const toolCalls = new Map<number, number>();
  for await (const event of events) {
    if (build === undefined) {
      const start = event.type === 'message_start' ? event.message : undefined;
      const id = options.id ?? toCompletionId(start?.id);
      build = createChunkBuilder(id, start?.model || options.model || '', options);
      yield build([
        { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null },
      ]);
    }
    switch (event.type) {
      case 'message_start':
        usage = { ...usage, ...definedCounts(event.message.usage) };
        break;
      case 'content_block_start':
        if (event.content_block.type === 'text' && event.content_block.text !== '') {
          yield build(textChoice(event.content_block.text));
        } else if (event.content_block.type === 'tool_use') {
          const index = toolCalls.size;
          toolCalls.set(event.index, index);
          const { id, name } = event.content_block;
          yield build(toolCallChoice({ index, id, type: 'function', function: { name, arguments: '' } }));
        }
        break;
      case 'content_block_delta': {
        // Thinking and signature deltas have no Chat Completions field.
        const call = toolCalls.get(event.index);
        if (event.delta.type === 'text_delta' && event.delta.text !== '') {
          yield build(textChoice(event.delta.text));
        } else if (
          event.delta.type === 'input_json_delta' &&
          call !== undefined &&
          event.delta.partial_json !== ''
        ) {
          yield build(toolCallChoice({ index: call, function: { arguments: event.delta.partial_json } }));
        }
        break;
      }
      case 'message_delta':
        stopReason = event.delta.stop_reason ?? stopReason;
        usage = { ...usage, ...definedCounts(event.usage) };
        break;
      case 'message_stop':
        if (!finished) yield* finish(build, toFinishReason(stopReason), usage, options.includeUsage);
        finished = true;
        break;
      default:
        break;
    }
  }
  // A stream that ends without message_stop still gets a well-formed ending.
  if (build !== undefined && !finished) {
    yield* finish(build, toFinishReason(stopReason), usage, options.includeUsage);
  }
}

type ChunkBuilder = (
  choices: ChatCompletionChunk.Choice[],
  usage?: ChatCompletionChunk['usage'],
) => ChatCompletionChunk;

/** Stamps the shared `id`/`created`/`model` (and `usage: null` when usage is requested) on a chunk. */
function createChunkBuilder(id: string, model: string, options: ChunkOptions): ChunkBuilder {
  const created = options.created ?? nowInSeconds();
  return (choices, usage = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices,
    ...(options.includeUsage ? { usage } : {}),
  });
}

function* finish(build: ChunkBuilder, reason: ChunkFinishReason, usage: UsageLike, includeUsage: boolean) {
  yield build([{ index: 0, delta: {}, finish_reason: reason, logprobs: null }]);
  if (includeUsage) yield build([], toCompletionUsage(usage));
}

function textChoice(text: string): ChatCompletionChunk.Choice[] {
  const delta: Delta = { content: text };
  return [{ index: 0, delta, finish_reason: null, logprobs: null }];
}

function toolCallChoice(call: ChatCompletionChunk.Choice.Delta.ToolCall): ChatCompletionChunk.Choice[] {
  return [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null, logprobs: null }];
}

const usageKeys = [
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
] as const satisfies ReadonlyArray<keyof UsageLike>;

/**
 * The counts that are present. `message_delta` usage is cumulative but may leave input counts null,
 * in which case the values from `message_start` stand.
 */
function definedCounts(usage: {
  readonly [K in keyof UsageLike]-?: UsageLike[K] | null;
}): Partial<UsageLike> {
  const out: { -readonly [K in keyof UsageLike]?: number } = {};
  for (const key of usageKeys) {
    const value = usage[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}
