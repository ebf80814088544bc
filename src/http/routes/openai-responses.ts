/**
 * @module
 * `POST /v1/responses` (OpenAI Responses API): Responses request → Anthropic request (with the
 * history `previous_response_id` names, from the {@link ResponseStore}) → the shared Messages
 * service → `Response` or named SSE events ending in `response.completed`. A stored response's
 * conversation is its input plus its output, so the next request resumes the CLI session through
 * the gateway's usual conversation lookup.
 */
import type { Hono } from 'hono';
import { OpenAIApiError } from '../../compat/openai/errors.js';
import { encodeResponsesSse, ResponsesEventStream } from '../../compat/openai-responses/to-events.js';
import {
  parseResponsesRequest,
  toAnthropicFromResponses,
  type ResponsesTranslation,
} from '../../compat/openai-responses/to-anthropic.js';
import { assistantTurn, responseFrame, toResponse } from '../../compat/openai-responses/to-response.js';
import { echoValue } from '../../compat/echo-value.js';
import { ResponseStore } from '../../gateway/response-store.js';
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import type { AppEnv, AppServices } from '../app-context.js';
import { sseResponse } from '../edge.js';
import { readJsonBody } from '../read-json.js';
import { openMessages, resultHeaders, startStream } from './messages-request.js';

/** Mount the OpenAI Responses route; `responses` remembers answers for `previous_response_id`. */
export function mountOpenAIResponses(
  app: Hono<AppEnv>,
  services: AppServices,
  responses: ResponseStore = new ResponseStore(),
): void {
  app.post('/v1/responses', async (c) => {
    const request = parseResponsesRequest(await readJsonBody(c));
    const previousId = request.previous_response_id ?? undefined;
    const previous = previousId === undefined ? undefined : responses.get(previousId);
    if (previousId !== undefined && previous === undefined) {
      throw new OpenAIApiError(404, `Previous response with id ${echoValue(previousId)} not found.`, {
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      });
    }
    const translated = toAnthropicFromResponses(request, previous, { strict: services.options.strict });
    const frame = responseFrame(translated);
    const opened = openMessages(
      c,
      services,
      { ...translated.params, stream: translated.stream },
      translated.warnings,
    );
    if (!translated.stream) {
      const { message, meta } = await opened.request.create();
      for (const [name, value] of Object.entries(resultHeaders(meta))) c.header(name, value);
      const response = toResponse(message, frame);
      remember(responses, translated, response);
      return c.json(response);
    }
    const stream = new ResponsesEventStream(frame);
    return sseResponse(c, await startStream(opened, services.options.ssePingIntervalMs), {
      async *frames(events) {
        for await (const event of stream.translate(events)) {
          if (event.type === 'response.completed' || event.type === 'response.incomplete') {
            remember(responses, translated, event.response);
          }
          yield encodeResponsesSse(event);
        }
      },
      errorFrame: (error) => encodeResponsesSse(stream.errorEvent(error)),
    });
  });
}

/** Keep a finished response's conversation for `previous_response_id`, unless `store: false`. */
function remember(store: ResponseStore, translated: ResponsesTranslation, response: OpenAIResponse): void {
  if (!translated.store) return;
  const turn = assistantTurn(response);
  store.set(response.id, {
    messages: [...translated.messages, ...(turn === undefined ? [] : [turn])],
  });
}
