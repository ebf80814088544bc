/**
 * @module
 * What `messages.stream()` returns: a small `MessageStream` like the SDK's. It starts at once,
 * accumulates the message from the events (the same fold as `messages.create`), emits `text`,
 * `inputJson`, `streamEvent`, `message`, `finalMessage`, `error`, `abort` and `end`, and can be
 * iterated for the raw events (every iterator sees every event, from the first).
 */
import type { ContentBlock, Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { AnthropicApiError, toAnthropicApiError } from '../compat/anthropic/errors.js';
import { accumulateEvent } from '../compat/anthropic/message-accumulator.js';

/** Listener signatures, as in the SDK's `MessageStreamEvents`. */
export interface MessageStreamEvents {
  streamEvent: (event: RawMessageStreamEvent, snapshot: Message) => void;
  text: (textDelta: string, textSnapshot: string) => void;
  thinking: (thinkingDelta: string, thinkingSnapshot: string) => void;
  /** A fragment of a tool call's input, and the input parsed so far. */
  inputJson: (partialJson: string, jsonSnapshot: unknown) => void;
  contentBlock: (block: ContentBlock) => void;
  message: (message: Message) => void;
  finalMessage: (message: Message) => void;
  error: (error: AnthropicApiError) => void;
  abort: (error: AnthropicApiError) => void;
  end: () => void;
}

/**
 * A running streamed request. Errors reach `finalMessage()`, `finalText()`, `done()`, iteration and
 * `error` listeners as {@link AnthropicApiError}.
 *
 * @example
 * ```ts
 * const stream = client.messages.stream({ model: 'sonnet', max_tokens: 512, messages });
 * stream.on('text', (delta) => process.stdout.write(delta));
 * const message = await stream.finalMessage();
 * ```
 */
export class ClaudeCodeMessageStream implements AsyncIterable<RawMessageStreamEvent> {
  /** Aborting it stops the CLI run. */
  readonly controller = new AbortController();
  // Keyed by event name; each set holds listeners of that event's signature.
  readonly #listeners = new Map<keyof MessageStreamEvents, Set<unknown>>();
  readonly #events: RawMessageStreamEvent[] = [];
  readonly #wakers = new Set<() => void>();
  readonly #final: Promise<Message>;
  #snapshot: Message | undefined;
  #ended = false;
  #error: AnthropicApiError | undefined;

  /** @param source Produces the events; receives {@link controller}'s signal. */
  constructor(source: (signal: AbortSignal) => AsyncIterable<RawMessageStreamEvent>) {
    this.#final = this.#run(source);
    this.#final.catch(() => {});
  }

  /** The message accumulated so far. */
  get currentMessage(): Message | undefined {
    return this.#snapshot;
  }

  /** True once the stream finished, successfully or not. */
  get ended(): boolean {
    return this.#ended;
  }

  /** True when the stream failed. */
  get errored(): boolean {
    return this.#error !== undefined;
  }

  /** True when {@link abort} (or the controller) stopped the stream. */
  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Add a listener. */
  on<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
    return this;
  }

  /** Remove a listener added with {@link on}. */
  off<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  /** Add a listener that is removed after its first call. */
  once<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this {
    const wrapper = ((...args: Parameters<MessageStreamEvents[E]>) => {
      this.off(event, wrapper);
      (listener as (...a: Parameters<MessageStreamEvents[E]>) => void)(...args);
    }) as MessageStreamEvents[E];
    return this.on(event, wrapper);
  }

  /** Stop the request; the CLI run is aborted. */
  abort(): void {
    this.controller.abort();
  }

  /** Resolves when the stream ended without error. */
  async done(): Promise<void> {
    await this.#final;
  }

  /** The complete message. */
  finalMessage(): Promise<Message> {
    return this.#final;
  }

  /** The text of the final message's text blocks, joined by spaces (as the SDK does). */
  async finalText(): Promise<string> {
    const message = await this.#final;
    const texts = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : []));
    if (texts.length === 0) {
      throw new AnthropicApiError(500, 'api_error', 'stream ended without producing a text content block');
    }
    return texts.join(' ');
  }

  /** The raw events, from the first; leaving the loop early aborts the stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RawMessageStreamEvent, void, undefined> {
    let finished = false;
    try {
      for (let i = 0; ; i++) {
        while (i >= this.#events.length && !this.#ended)
          await new Promise<void>((wake) => this.#wakers.add(wake));
        const event = this.#events[i];
        if (event === undefined) break;
        yield event;
      }
      finished = true;
      if (this.#error) throw this.#error;
    } finally {
      // Leaving the loop early means the caller is not interested any more.
      if (!finished && !this.#ended) this.abort();
    }
  }

  async #run(source: (signal: AbortSignal) => AsyncIterable<RawMessageStreamEvent>): Promise<Message> {
    // Let the caller attach listeners before the first event, as the SDK does.
    await Promise.resolve();
    try {
      for await (const event of source(this.controller.signal)) this.#handle(event);
      const message = this.#snapshot;
      if (message === undefined)
        throw new AnthropicApiError(500, 'api_error', 'stream ended without any event');
      this.#emit('finalMessage', message);
      return message;
    } catch (error) {
      const apiError = toAnthropicApiError(error);
      this.#error = apiError;
      if (this.aborted) this.#emit('abort', apiError);
      this.#emit('error', apiError);
      throw apiError;
    } finally {
      this.#ended = true;
      this.#wake();
      this.#emit('end');
    }
  }

  #handle(event: RawMessageStreamEvent): void {
    const snapshot = accumulateEvent(this.#snapshot, event);
    this.#snapshot = snapshot;
    this.#events.push(event);
    this.#wake();
    this.#emit('streamEvent', event, snapshot);
    if (event.type === 'content_block_delta') {
      const block = snapshot.content[event.index];
      if (event.delta.type === 'text_delta' && block?.type === 'text')
        this.#emit('text', event.delta.text, block.text);
      if (event.delta.type === 'thinking_delta' && block?.type === 'thinking') {
        this.#emit('thinking', event.delta.thinking, block.thinking);
      }
      if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') {
        this.#emit('inputJson', event.delta.partial_json, block.input);
      }
    } else if (event.type === 'content_block_stop') {
      const block = snapshot.content[event.index];
      if (block) this.#emit('contentBlock', block);
    } else if (event.type === 'message_stop') {
      this.#emit('message', snapshot);
    }
  }

  #emit<E extends keyof MessageStreamEvents>(event: E, ...args: Parameters<MessageStreamEvents[E]>): void {
    const set = this.#listeners.get(event) as
      Set<(...a: Parameters<MessageStreamEvents[E]>) => void> | undefined;
    for (const listener of [...(set ?? [])]) listener(...args);
  }

  #wake(): void {
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }
}
