/**
 * @module
 * `messages.countTokens` without an API call. The CLI has no token counter, so this is an
 * ESTIMATE: about 4 characters per token for the JSON of `system`, `messages` and `tools`, and a
 * flat {@link IMAGE_TOKEN_ESTIMATE} per image (the base64 data is not counted as text). Good enough
 * for budgeting and truncation decisions; do not bill by it. It also excludes Claude Code's own
 * system prompt and tool definitions, which the CLI adds to every request.
 */
import type { CountTokensRequest } from './request-schema.js';

/** Tokens assumed per image: what a ~1.15-megapixel image costs (width × height / 750). */
export const IMAGE_TOKEN_ESTIMATE = 1_600;

/** Characters per token assumed for text and JSON. */
export const CHARS_PER_TOKEN = 4;

/** Estimated input tokens of a request. */
export function estimateInputTokens(request: CountTokensRequest): number {
  let images = 0;
  const json = JSON.stringify(
    { system: request.system, messages: request.messages, tools: request.tools },
    (key, value: unknown) => {
      // Count an image once, as a flat estimate, instead of as its base64 text.
      if (key === 'source' && typeof value === 'object' && value !== null && 'data' in value) {
        images += 1;
        return undefined;
      }
      return value;
    },
  );
  return Math.max(1, Math.ceil(json.length / CHARS_PER_TOKEN) + images * IMAGE_TOKEN_ESTIMATE);
}
