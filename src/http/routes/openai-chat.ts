/**
 * @module
 * `POST /v1/chat/completions`: OpenAI request → Anthropic request → the shared Messages service →
 * ChatCompletion or `data:`-only SSE chunks ending in `[DONE]`.
 */
import type { Hono } from 'hono';
import { toAnthropicRequest } from '../../compat/openai/to-anthropic.js';
import { toChatCompletion } from '../../compat/openai/to-chat-completion.js';
import { toChatCompletionChunks } from '../../compat/openai/to-chunks.js';
import { encodeOpenAISse, encodeOpenAISseError, OPENAI_SSE_DONE } from '../../compat/openai/sse.js';
import type { AppEnv, AppServices } from '../app-context.js';
import { sseResponse } from '../edge.js';
import { readJsonBody } from '../read-json.js';
import { openMessages, setResultHeaders, startStream } from './messages-request.js';

/** Mount the OpenAI chat completions route. */
export function mountOpenAIChat(app: Hono<AppEnv>, services: AppServices): void {
  app.post('/v1/chat/completions', async (c) => {
    const translated = toAnthropicRequest(await readJsonBody(c), { strict: services.options.strict });
    const model = translated.params.model;
    const body = { ...translated.params, stream: translated.stream };
    const opened = await openMessages(c, services, body, translated.warnings);
    if (!translated.stream) {
      const { message, meta } = await opened.request.create();
      setResultHeaders(c, meta);
      return c.json(toChatCompletion(message, { model }));
    }
    return sseResponse(c, await startStream(opened, services.options.ssePingIntervalMs), {
      async *frames(events) {
        const chunks = toChatCompletionChunks(events, {
          model,
          includeUsage: translated.includeUsage,
        });
        for await (const chunk of chunks) yield encodeOpenAISse(chunk);
        yield OPENAI_SSE_DONE;
      },
      errorFrame: (error) => encodeOpenAISseError(error),
    });
  });
}
