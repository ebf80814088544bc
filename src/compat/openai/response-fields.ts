/**
 * @module
 * Fields shared by a `ChatCompletion` and its streamed chunks: id, creation time, finish reason and
 * usage, each derived from the Anthropic message in one place so both shapes agree.
 */
import { randomUUID } from 'node:crypto';
import type { StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

/** An OpenAI `finish_reason` for a finished choice. */
export type FinishReason = ChatCompletion.Choice['finish_reason'];

/** The token counts this translation reads from an Anthropic `Usage` (cache counts may be absent). */
export type UsageLike = Pick<Usage, 'input_tokens' | 'output_tokens'> &
  Partial<Pick<Usage, 'cache_read_input_tokens' | 'cache_creation_input_tokens'>>;

/** Options shared by {@link toChatCompletion} and {@link toChatCompletionChunks}. */
export interface ResponseOptions {
  /**
   * The model id the client asked for: used only when the Anthropic message names no model. The
   * `model` of a completion is the model that ran (the message's `model`, from the CLI).
   */
  readonly model?: string | undefined;
  /** Override the `chatcmpl-` id (default: derived from the Anthropic message id). */
  readonly id?: string;
  /** Override `created`, in Unix seconds (default: now). */
  readonly created?: number;
}

const finishReasons: Readonly<Record<StopReason, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/**
 * Map an Anthropic `stop_reason` to an OpenAI `finish_reason`; a missing or unknown reason is
 * `stop`, since the reply did end.
 */
export function toFinishReason(stopReason: StopReason | null | undefined): FinishReason {
  if (stopReason == null || !Object.hasOwn(finishReasons, stopReason)) return 'stop';
  return finishReasons[stopReason];
}

/**
 * Anthropic usage → OpenAI usage. OpenAI's `prompt_tokens` includes cached tokens while Anthropic's
 * `input_tokens` excludes both cache reads and cache writes, so all three are added.
 */
export function toCompletionUsage(usage: UsageLike): CompletionUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const promptTokens = usage.input_tokens + cacheRead + cacheWrite;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.output_tokens,
    total_tokens: promptTokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
}

/** `chatcmpl-<anthropic id>`, so a completion can be traced back to the run that produced it. */
export function toCompletionId(anthropicId: string | undefined): string {
  const suffix =
    anthropicId !== undefined && anthropicId !== '' ? anthropicId : randomUUID().replaceAll('-', '');
  return `chatcmpl-${suffix}`;
}

/** The current time in Unix seconds, OpenAI's `created` unit. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
