/**
 * @module
 * Anthropic `Message` → OpenAI `ChatCompletion`, for non-streaming requests.
 */
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletion, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import {
  nowInSeconds,
  toCompletionId,
  toCompletionUsage,
  toFinishReason,
  type ResponseOptions,
  type UsageLike,
} from './response-fields.js';

/** The parts of an Anthropic {@link Message} the translation reads; every `Message` is one. */
export type MessageLike = Pick<Message, 'id' | 'content' | 'stop_reason'> &
  Partial<Pick<Message, 'model'>> & { readonly usage: UsageLike };

/**
 * Translate a finished Anthropic message into an OpenAI chat completion with one choice. The text
 * blocks are concatenated (non-text blocks such as thinking have no Chat Completions field), which
 * matches what the streamed deltas add up to; `tool_use` blocks become `message.tool_calls` with
 * JSON-string `arguments` (and `content` is null when there is no text, as OpenAI sends it).
 *
 * @param message - the Anthropic message from the Anthropic layer
 * @param options - `model` is the id the client requested, the fallback when `message` names no
 *   model (the completion's `model` is the model that ran)
 * @example
 * ```ts
 * const completion = toChatCompletion(message, { model: body.model });
 * completion.choices[0].message.content; // 'Hello!'
 * ```
 */
export function toChatCompletion(message: MessageLike, options: ResponseOptions): ChatCompletion {
  const content = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const toolCalls = message.content.flatMap((block): ChatCompletionMessageToolCall[] =>
    block.type === 'tool_use'
      ? [
          {
            id: block.id,
            type: 'function',
            function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
          },
        ]
      : [],
  );
  return {
    id: options.id ?? toCompletionId(message.id),
    object: 'chat.completion',
    created: options.created ?? nowInSeconds(),
    model: message.model || options.model || '',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length > 0 && content === '' ? null : content,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toFinishReason(message.stop_reason),
        logprobs: null,
      },
    ],
    usage: toCompletionUsage(message.usage),
  };
}
