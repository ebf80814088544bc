/**
 * @module
 * `GET /health`: binary and version, whether a Claude login or API key is configured, and load.
 * 200 when healthy, 503 otherwise, with the problems spelled out.
 */
import type { Hono } from 'hono';
import { healthCheck } from '../../client/health-check.js';
import { buildCliEnv } from '../../process/build-env.js';
import type { AppEnv, AppServices } from '../app-context.js';

/** Mount the health route. */
export function mountHealth(app: Hono<AppEnv>, services: AppServices): void {
  const startedAt = Date.now();
  app.get('/health', async (c) => {
    const config = services.wrapper.config;
    const report = await healthCheck({ claudeBinary: config.claudeBinary, env: buildCliEnv(config) });
    return c.json(
      {
        ...report,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        load: {
          running: services.gate.active,
          queued: services.gate.queued,
          maxConcurrent: services.options.maxConcurrent,
        },
        warmPool: services.wrapper.getPoolStats() ?? null,
        breaker: services.wrapper.breakerState,
      },
      report.status === 'ok' ? 200 : 503,
    );
  });
}
