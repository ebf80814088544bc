/**
 * @module
 * `POST /v1/messages` (JSON and SSE with `event:` lines) and `POST /v1/messages/count_tokens`.
 */
import type { Hono } from 'hono';
import { estimateInputTokens } from '../../compat/anthropic/count-tokens.js';
import { parseCountTokensRequest } from '../../compat/anthropic/request-schema.js';
import { encodeSse, encodeSseError } from '../../compat/anthropic/sse.js';
import type { AppEnv, AppServices } from '../app-context.js';
import { sseResponse } from '../edge.js';
import { readJsonBody } from '../read-json.js';
import { openMessages, setResultHeaders, startStream } from './messages-request.js';

/** Mount the Anthropic Messages routes. */
export function mountAnthropicMessages(app: Hono<AppEnv>, services: AppServices): void {
  app.post('/v1/messages', async (c) => {
    const body = await readJsonBody(c);
    const opened = await openMessages(c, services, body);
    if ((body as { stream?: unknown }).stream !== true) {
      const { message, meta } = await opened.request.create();
      setResultHeaders(c, meta);
      return c.json(message);
    }
    return sseResponse(c, await startStream(opened, services.options.ssePingIntervalMs), {
      async *frames(events) {
        for await (const event of events) yield encodeSse(event);
      },
      errorFrame: (error) => encodeSseError(error),
    });
  });

  app.post('/v1/messages/count_tokens', async (c) => {
    // Tools are judged with this server's settings, as `/v1/messages` judges them (a reserved name
    // under `allowCliTools`, an unsupported tool type under `strict`).
    const { allowCliTools, strict } = services.options;
    const { request } = parseCountTokensRequest(await readJsonBody(c), { allowCliTools, strict });
    return c.json({ input_tokens: estimateInputTokens(request) });
  });
}
