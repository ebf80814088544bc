/**
 * @module
 * Building the API's `Message` object (and its `Usage`) from what a CLI run reports. The shapes
 * follow `@anthropic-ai/sdk` 1.12; fields the CLI cannot know are `null`, except where the real API
 * leaves a field out: a text block has no `citations` key unless it has citations (clients such as
 * `@ai-sdk/anthropic` 3.x reject `"citations": null`).
 */
import { randomBytes } from 'node:crypto';
import type {
  ContentBlock,
  Message,
  MessageDeltaUsage,
  StopReason,
  TextBlock,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import { asRecord, stringField, type CliMessage } from '../../core/cli-message.js';
import type { RunMetrics } from '../../core/response.js';

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fresh id in the API's format (`msg_01` + 22 base62 characters). */
export function generateMessageId(): string {
  const bytes = randomBytes(22);
  let id = 'msg_01';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length] ?? '0';
  return id;
}

/** The id of the answering API message, from a CLI line (`assistant` or `stream_event`), if any. */
export function cliMessageId(message: CliMessage): string | undefined {
  const fromStream = stringField(message, 'api_message_id');
  if (fromStream) return fromStream;
  return stringField(asRecord(message['message']), 'id');
}

/**
 * A text block as the API writes it: `{ type: 'text', text }`, without `citations` (the API sends
 * that key only when there are citations; the SDK's type declares it always, as nullable).
 */
export function textBlock(text: string): TextBlock {
  return { type: 'text', text } as TextBlock;
}

/** The token counts {@link toUsage} reads: a run's metrics, or one API message's counts. */
export type UsageCounts = Partial<
  Pick<RunMetrics, 'inputTokens' | 'outputTokens' | 'cacheCreationInputTokens' | 'cacheReadInputTokens'>
>;

/** `Usage` from token counts; a count not given is zero (all of them, e.g. at `message_start`). */
export function toUsage(metrics?: UsageCounts): Usage {
  return {
    input_tokens: metrics?.inputTokens ?? 0,
    output_tokens: metrics?.outputTokens ?? 0,
    cache_creation_input_tokens: metrics?.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: metrics?.cacheReadInputTokens ?? 0,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}

/** The cumulative usage of a `message_delta` event; `outputTokens` overrides the metrics' count. */
export function toDeltaUsage(metrics: RunMetrics | undefined, outputTokens?: number): MessageDeltaUsage {
  return {
    input_tokens: metrics?.inputTokens ?? null,
    output_tokens: outputTokens ?? metrics?.outputTokens ?? 0,
    cache_creation_input_tokens: metrics?.cacheCreationInputTokens ?? null,
    cache_read_input_tokens: metrics?.cacheReadInputTokens ?? null,
    output_tokens_details: null,
    server_tool_use: null,
  };
}

const PASSED_THROUGH: ReadonlySet<string> = new Set<StopReason>([
  'end_turn',
  'max_tokens',
  'refusal',
  'pause_turn',
  'model_context_window_exceeded',
]);

/**
 * The API stop reason for the CLI's. `tool_use` becomes `end_turn`: tool calls made by the CLI's
 * own tools are finished inside the run, and the answer carries no `tool_use` block to act on.
 */
export function toStopReason(cliStopReason: string | undefined): StopReason {
  return cliStopReason !== undefined && PASSED_THROUGH.has(cliStopReason)
    ? (cliStopReason as StopReason)
    : 'end_turn';
}

/** Fields of {@link createMessage}. */
export interface MessageFields {
  readonly id: string;
  /** The model that ran (as the API or the CLI named it), else the id the caller requested. */
  readonly model: string;
  readonly content: ContentBlock[];
  readonly stopReason: StopReason | null;
  readonly stopSequence: string | null;
  readonly usage: Usage;
}

/** A complete `Message` object. */
export function createMessage(fields: MessageFields): Message {
  return {
    id: fields.id,
    type: 'message',
    role: 'assistant',
    model: fields.model,
    content: fields.content,
    stop_reason: fields.stopReason,
    stop_sequence: fields.stopSequence,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: fields.usage,
  };
}
