/**
 * @module
 * One log line and one metric sample per HTTP request. Keys and bodies are never logged.
 */
import type { MiddlewareHandler } from 'hono';
import type { WrapperLogger } from '../../observability/logger.js';
import type { ProxyMetrics } from '../../observability/prometheus.js';
import type { AppEnv } from '../app-context.js';

/**
 * Log and count every request, measured until its last byte. Under the Node adapter that is when
 * the response closes, so streams count whole and the bookkeeping runs after the answer left
 * instead of in front of it; elsewhere (`app.request()`) when the handler returns. Runs are logged
 * by the wrapper.
 */
export function accessLog(logger: WrapperLogger, metrics: ProxyMetrics): MiddlewareHandler<AppEnv> {
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    // Read now: the matched route is only known while the request is being dispatched.
    const route = c.req.routePath || c.req.path;
    const record = (status: number, aborted: boolean): void => {
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequests.inc({ route, status: String(status) });
      metrics.httpDuration.observe({ route }, seconds);
      const problem = c.get('problem');
      if (problem) metrics.errors.inc({ type: problem.type, status: String(problem.status) });
      logger.info(
        {
          event: 'http',
          method: c.req.method,
          path: c.req.path,
          status,
          durationMs: Math.round(seconds * 1000),
          requestId: c.get('requestId'),
          client: c.get('clientId'),
          ...(c.get('keyName') === undefined ? {} : { key: c.get('keyName') }),
          ...(aborted ? { aborted: true } : {}),
        },
        'request',
      );
    };
    const outgoing = c.env?.outgoing;
    if (!outgoing || outgoing.closed) {
      record(c.res.status, false);
      return;
    }
    // The status actually sent: a streamed response writes its own status line.
    outgoing.once('close', () =>
      record(outgoing.headersSent ? outgoing.statusCode : c.res.status, !outgoing.writableFinished),
    );
  };
}
