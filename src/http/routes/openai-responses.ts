/**
 * @module
 * `POST /v1/responses` (OpenAI Responses API): Responses request → Anthropic request (with the
 * history `previous_response_id` names, from the {@link ResponseStore}) → the shared Messages
 * service → `Response` or named SSE events ending in `response.completed`. A stored response's
 * conversation is its input plus its output, so the next request resumes the CLI session through
 * the gateway's usual conversation lookup.
 */
import type { Hono } from 'hono';
import { encodeResponsesSse, ResponsesEventStream } from '../../compat/openai-responses/to-events.js';
import {
  parseResponsesRequest,
  toAnthropicFromResponses,
} from '../../compat/openai-responses/to-anthropic.js';
import { responseFrame, toResponse } from '../../compat/openai-responses/to-response.js';
import { DEFAULT_RESPONSE_STORE_ENTRIES, ResponseStore } from '../../gateway/response-store.js';
import type { AppEnv, AppServices } from '../app-context.js';
import { sseResponse } from '../edge.js';
import { readJsonBody } from '../read-json.js';
import { openMessages, setResultHeaders, startStream } from './messages-request.js';

/**
 * Mount the OpenAI Responses route; `responses` remembers answers for `previous_response_id` (by
 * default in memory, and in the replicas' shared store when the server has one).
 */
export function mountOpenAIResponses(
  app: Hono<AppEnv>,
  services: AppServices,
  responses: ResponseStore = new ResponseStore(DEFAULT_RESPONSE_STORE_ENTRIES, services.replicas?.responses),
): void {
  app.post('/v1/responses', async (c) => {
    const request = parseResponsesRequest(await readJsonBody(c));
    const previous = await responses.previous(request.previous_response_id ?? undefined);
    const translated = toAnthropicFromResponses(request, previous, { strict: services.options.strict });
    const frame = responseFrame(translated);
    const opened = await openMessages(
      c,
      services,
      { ...translated.params, stream: translated.stream },
      translated.warnings,
    );
    if (!translated.stream) {
      const { message, meta } = await opened.request.create();
      setResultHeaders(c, meta);
      const response = toResponse(message, frame);
      await responses.remember(translated, response);
      return c.json(response);
    }
    const stream = new ResponsesEventStream(frame);
    return sseResponse(c, await startStream(opened, services.options.ssePingIntervalMs), {
      async *frames(events) {
        for await (const event of stream.translate(events)) {
          if (event.type === 'response.completed' || event.type === 'response.incomplete') {
            await responses.remember(translated, event.response);
          }
          yield encodeResponsesSse(event);
        }
      },
      errorFrame: (error) => encodeResponsesSse(stream.errorEvent(error)),
    });
  });
}
