/**
 * @module
 * `GET /metrics`: Prometheus text format.
 */
import type { Hono } from 'hono';
import type { AppEnv, AppServices } from '../app-context.js';

/** Mount the metrics route. */
export function mountMetrics(app: Hono<AppEnv>, services: AppServices): void {
  app.get('/metrics', async (c) => {
    const body = await services.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': services.metrics.registry.contentType });
  });
}
