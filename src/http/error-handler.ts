/**
 * @module
 * The one place where errors become HTTP responses: Anthropic's error shape everywhere, OpenAI's on
 * the OpenAI route.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { toAnthropicError } from '../compat/anthropic/errors.js';
import { OpenAIApiError, toOpenAIError } from '../compat/openai/errors.js';
import type { WrapperLogger } from '../observability/logger.js';
import { HttpProblem } from './http-problem.js';

import { isOpenAIPath } from './openai-paths.js';

/** Build the API-shaped error response for `error`. */
export function errorResponse(c: Context, error: unknown, logger: WrapperLogger): Response {
  const requestId = c.get('requestId') as string | undefined;
  const { status, type, headers, ...described } = describe(error);
  const message = boundMessage(described.message);
  if (status >= 500) logger.error({ event: 'http_error', requestId, status, err: error }, 'request failed');
  else logger.info({ event: 'http_error', requestId, status, type }, message);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (isOpenAIPath(c.req.path)) {
    // An error the OpenAI layer raised already knows its `param` and `code`: keep them.
    if (OpenAIApiError.isInstance(error)) {
      const { body } = error.toResponse();
      return c.json({ error: { ...body.error, message } }, error.status as ContentfulStatusCode);
    }
    const mapped = toOpenAIError(status, type, message);
    return c.json(mapped.body, mapped.status as ContentfulStatusCode);
  }
  return c.json(
    { type: 'error', error: { type, message }, ...(requestId ? { request_id: requestId } : {}) },
    status as ContentfulStatusCode,
  );
}

/** Longest error message sent or logged; a safety net under the per-value caps of the validators. */
const MAX_MESSAGE_CHARS = 2_000;

// Messages can quote what a client sent (a tool name, a model id): whatever slipped past the
// validators' own caps must not make the error body and its log line as large as the request.
function boundMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_MESSAGE_CHARS)}…(${message.length} chars)`;
}

function describe(error: unknown): {
  status: number;
  type: string;
  message: string;
  headers: Record<string, string>;
} {
  if (error instanceof HttpProblem) {
    return { status: error.status, type: error.type, message: error.message, headers: { ...error.headers } };
  }
  const mapped = toAnthropicError(error);
  const retryAfter = mapped.status === 429 || mapped.status === 529 ? { 'retry-after': '2' } : {};
  return {
    status: mapped.status,
    type: mapped.body.error.type,
    message: mapped.body.error.message,
    headers: retryAfter,
  };
}
