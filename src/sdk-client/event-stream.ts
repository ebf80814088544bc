/**
 * @module
 * What `messages.create({ stream: true })` resolves to: an async iterable of raw stream events with
 * a `controller`, like the SDK's `Stream`. Consume it once; leaving the loop early aborts the run.
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { toAnthropicApiError } from '../compat/anthropic/errors.js';
import type { GatewayRequest } from '../gateway/gateway-request.js';

/**
 * A one-shot stream of raw events. Errors surface as {@link AnthropicApiError}.
 *
 * @example
 * ```ts
 * const stream = await client.messages.create({ ...params, stream: true });
 * for await (const event of stream) if (event.type === 'content_block_delta') ...
 * ```
 */
export class AnthropicEventStream implements AsyncIterable<RawMessageStreamEvent> {
  /** Aborting it stops the CLI run. */
  readonly controller: AbortController;
  readonly #iterator: AsyncIterator<RawMessageStreamEvent>;
  #consumed = false;

  private constructor(iterator: AsyncIterator<RawMessageStreamEvent>, controller: AbortController) {
    this.#iterator = iterator;
    this.controller = controller;
  }

  /**
   * Start the gateway request and wait for its first event (the request holds it), so that a run
   * failing before any output rejects here, the way the SDK rejects `create()` on an HTTP error status.
   * @throws {@link AnthropicApiError}
   */
  static async start(request: GatewayRequest, controller: AbortController): Promise<AnthropicEventStream> {
    try {
      await request.start();
    } catch (error) {
      throw toAnthropicApiError(error);
    }
    return new AnthropicEventStream(request.events[Symbol.asyncIterator](), controller);
  }

  /** The events; iterate once. Leaving the loop early aborts the run. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RawMessageStreamEvent, void, undefined> {
    if (this.#consumed) throw new Error('Cannot iterate over a consumed stream');
    this.#consumed = true;
    let done = false;
    try {
      let result = await this.#iterator.next();
      while (result.done !== true) {
        yield result.value;
        result = await this.#iterator.next();
      }
      done = true;
    } catch (error) {
      done = true;
      throw toAnthropicApiError(error);
    } finally {
      if (!done) {
        this.controller.abort();
        await this.#iterator.return?.();
      }
    }
  }
}
