/**
 * @module
 * Anthropic stream events → OpenAI Responses stream events, for `stream: true`, in the official
 * order, each with its `sequence_number` (0, 1, ...):
 *
 * `response.created`, `response.in_progress`; per text block `response.output_item.added`
 * (message), `response.content_part.added`, `response.output_text.delta`…,
 * `response.output_text.done`, `response.content_part.done`, `response.output_item.done`; per
 * tool use `response.output_item.added` (function_call), `response.function_call_arguments.delta`…,
 * `response.function_call_arguments.done`, `response.output_item.done`; then
 * `response.completed` (or `response.incomplete` when cut by the token limit) holding the whole
 * response. A failure after the first event is an `error` event ({@link ResponsesEventStream.errorEvent}).
 */
import type { RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type {
  Response,
  ResponseErrorEvent,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { openaiErrorResponse } from '../openai/errors.js';
import {
  buildResponse,
  finalStatus,
  functionCallItem,
  messageItem,
  newItemId,
  type ResponseFrame,
  type UsageLike,
} from './to-response.js';

/** Distributes `sequence_number` over every event type (the union is not assignable otherwise). */
type WithoutSequence<T> = T extends unknown ? Omit<T, 'sequence_number'> : never;

type OpenBlock =
  | {
      readonly kind: 'text';
      readonly outputIndex: number;
      readonly item: ResponseOutputMessage;
      text: string;
    }
  | {
      readonly kind: 'tool';
      readonly outputIndex: number;
      readonly item: ResponseFunctionToolCall & { id: string };
      args: string;
    };

/** One request's stream translation; it numbers the events, the error event included. */
export class ResponsesEventStream {
  #frame: ResponseFrame;
  #sequence = 0;
  #response: Response | undefined;

  constructor(frame: ResponseFrame) {
    this.#frame = frame;
  }

  /** The finished response, once `response.completed` / `response.incomplete` was produced. */
  get response(): Response | undefined {
    return this.#response;
  }

  /**
   * Translate the events. Nothing is yielded before the first event, so a failure before any
   * output can still become an HTTP status. Errors from `events` propagate.
   */
  async *translate(
    events: AsyncIterable<RawMessageStreamEvent>,
  ): AsyncGenerator<ResponseStreamEvent, void, undefined> {
    const output: ResponseOutputItem[] = [];
    const open = new Map<number, OpenBlock>();
    let usage: UsageLike = { input_tokens: 0, output_tokens: 0 };
    let stopReason: StopReason | null = null;
    let begun = false;
    let finished = false;
    for await (const event of events) {
      if (!begun) {
        begun = true;
        // Every response object names the model that ran, as `message_start` reports it.
        if (event.type === 'message_start' && event.message.model) {
          this.#frame = { ...this.#frame, model: event.message.model };
        }
        const initial = buildResponse(this.#frame, 'in_progress', []);
        yield this.#next({ type: 'response.created', response: initial });
        yield this.#next({ type: 'response.in_progress', response: initial });
      }
      switch (event.type) {
        case 'message_start':
          usage = mergeUsage(usage, event.message.usage);
          break;
        case 'content_block_start': {
          const block = event.content_block;
          const outputIndex = output.length;
          if (block.type === 'text') {
            const item = messageItem(newItemId('msg'), '', 'in_progress');
            const started: OpenBlock = { kind: 'text', outputIndex, item, text: '' };
            open.set(event.index, started);
            output.push(item);
            yield this.#next({
              type: 'response.output_item.added',
              output_index: outputIndex,
              item: { ...item, content: [] },
            });
            yield this.#next({
              type: 'response.content_part.added',
              item_id: item.id,
              output_index: outputIndex,
              content_index: 0,
              part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
            });
            if (block.text !== '') yield* this.#textDelta(started, block.text);
          } else if (block.type === 'tool_use') {
            const item = functionCallItem(newItemId('fc'), block.id, block.name, '', 'in_progress');
            open.set(event.index, { kind: 'tool', outputIndex, item, args: '' });
            output.push(item);
            yield this.#next({
              type: 'response.output_item.added',
              output_index: outputIndex,
              item: { ...item },
            });
          }
          break;
        }
        case 'content_block_delta': {
          const block = open.get(event.index);
          if (block?.kind === 'text' && event.delta.type === 'text_delta' && event.delta.text !== '') {
            yield* this.#textDelta(block, event.delta.text);
          } else if (
            block?.kind === 'tool' &&
            event.delta.type === 'input_json_delta' &&
            event.delta.partial_json !== ''
          ) {
            block.args += event.delta.partial_json;
            yield this.#next({
              type: 'response.function_call_arguments.delta',
              item_id: block.item.id,
              output_index: block.outputIndex,
              delta: event.delta.partial_json,
            });
          }
          break;
        }
        case 'content_block_stop': {
          const block = open.get(event.index);
          open.delete(event.index);
          if (block !== undefined) yield* this.#close(block, output);
          break;
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          usage = mergeUsage(usage, event.usage);
          break;
        case 'message_stop':
          if (!finished) yield* this.#finish(open, output, stopReason, usage);
          finished = true;
          break;
        default:
          break;
      }
    }
    if (begun && !finished) yield* this.#finish(open, output, stopReason, usage);
  }

  /** The `error` event for a failure after the first event (the OpenAI SDK throws it as an `APIError`). */
  errorEvent(error: unknown): ResponseErrorEvent & { error: unknown } {
    const { body } = openaiErrorResponse(error);
    return {
      type: 'error',
      code: body.error.code ?? body.error.type,
      message: body.error.message,
      param: body.error.param,
      sequence_number: this.#sequence++,
      error: body.error,
    };
  }

  *#textDelta(block: Extract<OpenBlock, { kind: 'text' }>, text: string): Generator<ResponseStreamEvent> {
    block.text += text;
    yield this.#next({
      type: 'response.output_text.delta',
      item_id: block.item.id,
      output_index: block.outputIndex,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  *#close(block: OpenBlock, output: ResponseOutputItem[]): Generator<ResponseStreamEvent> {
    if (block.kind === 'text') {
      const item = messageItem(block.item.id, block.text, 'completed');
      output[block.outputIndex] = item;
      const part = item.content[0] as ResponseOutputMessage['content'][number] & { type: 'output_text' };
      const at = { item_id: item.id, output_index: block.outputIndex, content_index: 0 };
      yield this.#next({ type: 'response.output_text.done', ...at, text: block.text, logprobs: [] });
      yield this.#next({ type: 'response.content_part.done', ...at, part });
      yield this.#next({ type: 'response.output_item.done', output_index: block.outputIndex, item });
    } else {
      const item = functionCallItem(
        block.item.id,
        block.item.call_id,
        block.item.name,
        block.args,
        'completed',
      );
      output[block.outputIndex] = item;
      yield this.#next({
        type: 'response.function_call_arguments.done',
        item_id: item.id,
        output_index: block.outputIndex,
        name: item.name,
        arguments: block.args,
      });
      yield this.#next({ type: 'response.output_item.done', output_index: block.outputIndex, item });
    }
  }

  *#finish(
    open: Map<number, OpenBlock>,
    output: ResponseOutputItem[],
    stopReason: StopReason | null,
    usage: UsageLike,
  ): Generator<ResponseStreamEvent> {
    for (const block of open.values()) yield* this.#close(block, output);
    open.clear();
    const status = finalStatus(stopReason);
    const response = buildResponse(this.#frame, status, output, usage);
    this.#response = response;
    yield this.#next(
      status === 'completed'
        ? { type: 'response.completed', response }
        : { type: 'response.incomplete', response },
    );
  }

  #next(event: WithoutSequence<ResponseStreamEvent>): ResponseStreamEvent {
    return { ...event, sequence_number: this.#sequence++ } as ResponseStreamEvent;
  }
}

const usageKeys = [
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
] as const;

/** `message_delta` usage is cumulative but may leave input counts null: present counts win. */
function mergeUsage(
  usage: UsageLike,
  next: Partial<Record<(typeof usageKeys)[number], number | null>>,
): UsageLike {
  const out: { -readonly [K in keyof UsageLike]: UsageLike[K] } = { ...usage };
  for (const key of usageKeys) {
    const value = next[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

/** One event as an SSE frame: `event: <type>` and `data: <json>`, as the Responses API sends them. */
export function encodeResponsesSse(event: { readonly type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
