/**
 * @module
 * The hono app: middleware in order (request id, logging, host and origin checks, auth, body limit,
 * content type, per-key rate limit), then the routes. Speaks only web-standard Request/Response; the Node
 * adapter lives in `server.ts`.
 */
import { Hono } from 'hono';
import type { AppEnv, AppServices } from './app-context.js';
import { errorResponse, noRouteProblem } from './error-handler.js';
import { accessLog } from './middleware/access-log.js';
import { auth } from './middleware/auth.js';
import { bodyLimit } from './middleware/body-limit.js';
import { originCheck } from './middleware/cors.js';
import { hostCheck } from './middleware/host-check.js';
import { jsonContentType } from './middleware/json-content-type.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestId } from './middleware/request-id.js';
import { mountAnthropicMessages } from './routes/anthropic-messages.js';
import { createHealthMonitor, mountHealth, mountHealthDetails } from './routes/health.js';
import { mountMetrics } from './routes/metrics.js';
import { mountModels } from './routes/models.js';
import { mountOpenAIChat } from './routes/openai-chat.js';
import { mountOpenAIResponses } from './routes/openai-responses.js';
import { mountUsage } from './routes/usage.js';

/** Build the proxy's hono app. */
export function createApp(services: AppServices): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { options, logger, metrics } = services;
  app.use('*', requestId());
  app.use('*', accessLog(logger, metrics));
  // Before everything else a browser could reach, /health included; preflights carry no key.
  app.use('*', hostCheck({ host: options.host, allowedHosts: options.allowedHosts }));
  app.use('*', originCheck(options.allowedOrigins));
  const health = createHealthMonitor(services);
  mountHealth(app, health);
  app.use('*', auth(services.quotas.accepted));
  mountHealthDetails(app, services, health);
  // Before the rate limit: asking how much is left neither counts nor is refused.
  mountUsage(app, services);
  app.use('/v1/*', bodyLimit(options.maxBodyBytes));
  app.use('/v1/*', jsonContentType());
  app.use('/v1/*', rateLimit(services.quotas));
  mountMetrics(app, services);
  mountModels(app);
  mountAnthropicMessages(app, services);
  mountOpenAIChat(app, services);
  mountOpenAIResponses(app, services);
  app.notFound((c) => errorResponse(c, noRouteProblem(app.routes, c.req.method, c.req.path), logger));
  app.onError((error, c) => errorResponse(c, error, logger));
  return app;
}
