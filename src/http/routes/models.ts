/**
 * @module
 * `GET /v1/models` and `/v1/models/:id`, in the Anthropic shape when the caller sends
 * `anthropic-version` (every Anthropic SDK does) and in the OpenAI shape otherwise.
 */
import type { Hono } from 'hono';
import { findModel, listModels } from '../../compat/anthropic/model-aliases.js';
import { toOpenAIModelList } from '../../compat/openai/models.js';
import type { AppEnv } from '../app-context.js';
import { HttpProblem } from '../http-problem.js';

/** Mount the model routes. */
export function mountModels(app: Hono<AppEnv>): void {
  app.get('/v1/models', (c) => {
    const models = listModels();
    if (!c.req.header('anthropic-version')) return c.json(toOpenAIModelList(models));
    return c.json({
      data: models,
      has_more: false,
      first_id: models[0]?.id ?? null,
      last_id: models.at(-1)?.id ?? null,
    });
  });
  app.get('/v1/models/:id', (c) => {
    const model = findModel(c.req.param('id'));
    if (!model)
      throw new HttpProblem(404, 'not_found_error', `model: ${c.req.param('id')} is not a known model`);
    if (!c.req.header('anthropic-version')) return c.json(toOpenAIModelList([model]).data[0]);
    return c.json(model);
  });
}
