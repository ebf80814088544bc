/**
 * @module
 * `client.messages`: `create` (with the SDK's overloads), `stream` and `countTokens`, over an
 * {@link AnthropicMessagesService} (the gateway, as the HTTP routes use it). Every failure is thrown as an {@link AnthropicApiError}.
 */
import type {
  Message,
  MessageCountTokensParams,
  MessageCreateParamsBase,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  MessageTokensCount,
} from '@anthropic-ai/sdk/resources/messages';
import { toAnthropicApiError } from '../compat/anthropic/errors.js';
import { AnthropicEventStream } from './event-stream.js';
import { ClaudeCodeMessageStream } from './message-stream.js';
import type { AnthropicMessagesService } from '../gateway/messages-service.js';

/** Per-request options; the subset of the SDK's `RequestOptions` that applies here. */
export interface ClaudeCodeRequestOptions {
  /** Abort the request; the CLI run is stopped. */
  readonly signal?: AbortSignal | null | undefined;
}

/** The `messages` resource of {@link ClaudeCodeAnthropic}. */
export class ClaudeCodeMessages {
  readonly #service: AnthropicMessagesService;

  /** @internal Created by {@link ClaudeCodeAnthropic}. */
  constructor(service: AnthropicMessagesService) {
    this.#service = service;
  }

  /**
   * Create a message. With `stream: true` resolves (after the first event) to an
   * {@link AnthropicEventStream} of raw events.
   * @throws {@link AnthropicApiError}
   */
  create(params: MessageCreateParamsNonStreaming, options?: ClaudeCodeRequestOptions): Promise<Message>;
  create(
    params: MessageCreateParamsStreaming,
    options?: ClaudeCodeRequestOptions,
  ): Promise<AnthropicEventStream>;
  create(
    params: MessageCreateParamsBase,
    options?: ClaudeCodeRequestOptions,
  ): Promise<AnthropicEventStream | Message>;
  async create(
    params: MessageCreateParamsBase,
    options?: ClaudeCodeRequestOptions,
  ): Promise<AnthropicEventStream | Message> {
    if (params.stream === true) {
      const controller = new AbortController();
      try {
        const request = this.#service.open(params, { signals: [controller.signal, options?.signal] });
        return await AnthropicEventStream.start(request, controller);
      } catch (error) {
        throw toAnthropicApiError(error);
      }
    }
    try {
      const { message } = await this.#service.open(params, { signals: [options?.signal] }).create();
      return message;
    } catch (error) {
      throw toAnthropicApiError(error);
    }
  }

  /**
   * Stream a message with helpers (`on('text')`, `finalMessage()`, `finalText()`). Starts at once.
   * Errors, including invalid parameters, arrive through the stream.
   */
  stream(params: MessageCreateParamsBase, options?: ClaudeCodeRequestOptions): ClaudeCodeMessageStream {
    const service = this.#service;
    return new ClaudeCodeMessageStream(async function* (signal) {
      yield* service.open(params, { signals: [signal, options?.signal] }).events;
    });
  }

  /**
   * Estimated input tokens (the CLI has no exact counter; see `count-tokens.ts`).
   * @throws {@link AnthropicApiError} 400 for invalid parameters.
   */
  async countTokens(
    params: MessageCountTokensParams,
    options?: ClaudeCodeRequestOptions,
  ): Promise<MessageTokensCount> {
    try {
      options?.signal?.throwIfAborted();
      return this.#service.countTokens(params);
    } catch (error) {
      throw toAnthropicApiError(error);
    }
  }
}
