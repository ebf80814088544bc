/**
 * @module
 * Server-sent-event frames in the Messages API's format: `event: <type>\ndata: <json>\n\n`.
 * A failure after the stream started cannot change the HTTP status any more, so it is sent as an
 * `error` event, as the real API does (`event: error` with the usual error body).
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { anthropicErrorResponse, type AnthropicErrorBody, type AnthropicErrorOptions } from './errors.js';

/** Anything that can be sent as one SSE frame. */
export type SseEvent = RawMessageStreamEvent | AnthropicErrorBody | { readonly type: 'ping' };

/** One SSE frame for `event`. JSON never contains raw newlines, so `data` is always one line. */
export function encodeSse(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The `error` frame for any failure in the middle of a stream, mapped by the same function as an
 * error response ({@link anthropicErrorResponse}).
 */
export function encodeSseError(error: unknown, options: AnthropicErrorOptions = {}): string {
  return encodeSse(anthropicErrorResponse(error, options).body);
}

/** A keep-alive `ping` frame, as the API sends between events. */
export function encodeSsePing(): string {
  return encodeSse({ type: 'ping' });
}
