/**
 * @module
 * OpenAI server-sent-event framing. OpenAI streams are unnamed `data:` events ending with
 * `data: [DONE]`; a failure after the first chunk is sent as a `data:` event holding an error body,
 * which the OpenAI SDK turns into a thrown `APIError` with that message.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { openaiErrorResponse } from './errors.js';

/** The frame that ends every OpenAI stream, including one that ended with an error frame. */
export const OPENAI_SSE_DONE = 'data: [DONE]\n\n';

/**
 * Keep-alive for OpenAI streams: an SSE comment line. OpenAI sends none, and its SDKs would parse
 * an unnamed `data:` ping as a chunk; every SSE parser skips comments.
 */
export const OPENAI_SSE_PING = ': ping\n\n';

/**
 * One chunk as an SSE frame: `data: <json>\n\n`. JSON never contains a raw newline, so a single
 * `data:` line is always enough.
 *
 * @example
 * ```ts
 * encodeOpenAISse(chunk); // 'data: {"id":"chatcmpl-...","object":"chat.completion.chunk",...}\n\n'
 * ```
 */
export function encodeOpenAISse(chunk: ChatCompletionChunk): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/**
 * The error frame for any failure mid-stream, once the 200 status has been sent:
 * `data: {"error":{...}}\n\n`, mapped by the same function as an error response
 * ({@link openaiErrorResponse}).
 *
 * @example
 * ```ts
 * errorFrame: (error) => encodeOpenAISseError(error),
 * ```
 */
export function encodeOpenAISseError(error: unknown): string {
  return `data: ${JSON.stringify(openaiErrorResponse(error).body)}\n\n`;
}
