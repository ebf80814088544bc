/**
 * @module
 * One log line and one metric sample per HTTP request. Keys and bodies are never logged.
 */
import type { MiddlewareHandler } from 'hono';
import type { WrapperLogger } from '../../observability/logger.js';
import type { ProxyMetrics } from '../../observability/prometheus.js';
import type { AppEnv } from '../app-context.js';

/** Log and count every request. Streams are measured until their headers; runs are logged by the wrapper. */
export function accessLog(logger: WrapperLogger, metrics: ProxyMetrics): MiddlewareHandler<AppEnv> {
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath || c.req.path;
    metrics.httpRequests.inc({ route, status: String(c.res.status) });
    metrics.httpDuration.observe({ route }, seconds);
    logger.info(
      {
        event: 'http',
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round(seconds * 1000),
        requestId: c.get('requestId'),
        client: c.get('clientId'),
      },
      'request',
    );
  };
}
