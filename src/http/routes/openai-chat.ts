/**
 * @module
 * `POST /v1/chat/completions`: OpenAI request → Anthropic request → the shared Messages service →
 * ChatCompletion or `data:`-only SSE chunks ending in `[DONE]`.
 */
import type { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { toAnthropicRequest } from '../../compat/openai/to-anthropic.js';
import { toChatCompletion } from '../../compat/openai/to-chat-completion.js';
import { toChatCompletionChunks } from '../../compat/openai/to-chunks.js';
import { encodeOpenAISse, encodeOpenAISseError, OPENAI_SSE_DONE } from '../../compat/openai/sse.js';
import { fromUnknownError } from '../../compat/openai/errors.js';
import { toAnthropicError } from '../../compat/anthropic/errors.js';
import { toOpenAIError } from '../../compat/openai/errors.js';
import type { AppEnv, AppServices } from '../app-context.js';
import { readJsonBody } from '../read-json.js';
import { resultHeaders, startMessages } from './messages-runner.js';

/** Mount the OpenAI chat completions route. */
export function mountOpenAIChat(app: Hono<AppEnv>, services: AppServices): void {
  app.post('/v1/chat/completions', async (c) => {
    const translated = toAnthropicRequest(await readJsonBody(c));
    const model = translated.params.model;
    const body = { ...translated.params, stream: translated.stream };
    const runner = await startMessages(c, services, body, translated.warnings);
    if (!translated.stream) {
      const { message, meta } = await runner.create();
      for (const [name, value] of Object.entries(resultHeaders(meta))) c.header(name, value);
      return c.json(toChatCompletion(message, { model }));
    }
    const started = await runner.stream();
    c.header('content-type', 'text/event-stream; charset=utf-8');
    c.header('cache-control', 'no-cache');
    for (const [name, value] of Object.entries(started.headers)) c.header(name, value);
    return stream(c, async (out) => {
      out.onAbort(() => started.abort());
      try {
        for await (const chunk of toChatCompletionChunks(started.events, {
          model,
          includeUsage: translated.includeUsage,
        })) {
          await out.write(encodeOpenAISse(chunk));
        }
        await out.write(OPENAI_SSE_DONE);
      } catch (error) {
        const mapped = toAnthropicError(error);
        const openai = mapped.status
          ? toOpenAIError(mapped.status, mapped.body.error.type, mapped.body.error.message)
          : fromUnknownError(error);
        await out.write(encodeOpenAISseError(openai.body));
      } finally {
        started.release();
      }
    });
  });
}
