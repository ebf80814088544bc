/**
 * @module
 * `GET /metrics`: Prometheus text format.
 */
import type { Hono } from 'hono';
import { Registry } from 'prom-client';
import type { AppEnv, AppServices } from '../app-context.js';

/** Mount the metrics route. */
export function mountMetrics(app: Hono<AppEnv>, services: AppServices): void {
  app.get('/metrics', async (c) => {
    // The proxy's HTTP metrics plus the library's run, retry, breaker and cache metrics.
    const merged = Registry.merge([services.metrics.registry, services.wrapper.metricsRegistry]);
    return c.body(await merged.metrics(), 200, { 'content-type': merged.contentType });
  });
}
