/**
 * @module
 * Health endpoints.
 *
 * - `GET /health`: the probe. `{ status: 'ok' }` (200) or `{ status: 'unavailable' }` (503), no key
 *   needed and nothing else revealed. It answers from the last known binary/credential state, which
 *   a {@link HealthMonitor} probes at start and refreshes at most once a minute, so polling it never
 *   spawns a process per call.
 * - `GET /health/live`: 200 whenever the process serves HTTP (liveness only).
 * - `GET /health/details`: binary path and version, credential source, load, warm pool, the
 *   processes kept for their conversation's next turn (`conversationProcesses`), breaker, memory
 *   and CPU of the server with all its CLI children (`processTree`); 200 or 503. Behind the API
 *   key when keys are configured (mounted after the auth middleware).
 */
import type { Hono } from 'hono';
import { HealthMonitor, healthCheckOptionsFor } from '../../client/health-check.js';
import { processTreeUsage } from '../../observability/process-tree.js';
import type { AppEnv, AppServices } from '../app-context.js';

/** The monitor the health routes share; probes once now. */
export function createHealthMonitor(services: AppServices): HealthMonitor {
  const monitor = new HealthMonitor(healthCheckOptionsFor(services.wrapper.config));
  monitor.prime();
  return monitor;
}

/** Mount the unauthenticated `/health` and `/health/live` (before the auth middleware). */
export function mountHealth(app: Hono<AppEnv>, monitor: HealthMonitor): void {
  app.get('/health/live', (c) => c.json({ status: 'ok' }));
  app.get('/health', async (c) => {
    const report = await monitor.current();
    return report.status === 'ok' ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503);
  });
}

/** Mount `/health/details` (after the auth middleware: it names the binary and credential source). */
export function mountHealthDetails(app: Hono<AppEnv>, services: AppServices, monitor: HealthMonitor): void {
  const startedAt = Date.now();
  app.get('/health/details', async (c) => {
    const report = await monitor.fresh();
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
        conversationProcesses: services.messages.conversationProcessStats() ?? null,
        breaker: services.wrapper.breakerState,
        processTree: processTreeUsage() ?? null,
      },
      report.status === 'ok' ? 200 : 503,
    );
  });
}
