/**
 * @module
 * `GET /v1/usage`: the caller's own key, its usage and what is left of each of its limits
 * (requests this minute, runs in progress, spend today and this month, UTC). Answered before the
 * rate limit, so it neither counts as a request nor is refused by one. The key appears only as
 * its name and fingerprint.
 */
import type { Hono } from 'hono';
import type { LimitUsage } from '../../resilience/usage/key-usage.js';
import type { AppEnv, AppServices } from '../app-context.js';

/** One limit on the wire: `limit` and `remaining` are null without a limit; times are ISO 8601 (UTC). */
interface WireLimit {
  readonly used: number;
  readonly limit: number | null;
  readonly remaining: number | null;
  readonly resets_at?: string | null;
}

/** Mount `GET /v1/usage`. */
export function mountUsage(app: Hono<AppEnv>, services: AppServices): void {
  app.get('/v1/usage', async (c) => {
    const { client, report } = await services.quotas.report(c);
    return c.json({
      object: 'key_usage',
      key: { name: c.get('keyName') ?? null, id: client.id },
      requests_per_minute: wire(report.requestsPerMinute, true),
      concurrent_runs: wire(report.maxConcurrent, false),
      daily_usd: wire(report.dailyUsd, true),
      monthly_usd: wire(report.monthlyUsd, true),
    });
  });
}

function wire(usage: LimitUsage, resets: boolean): WireLimit {
  return {
    used: usage.used,
    limit: usage.limit ?? null,
    remaining: usage.remaining ?? null,
    ...(resets
      ? { resets_at: usage.resetsAt === undefined ? null : new Date(usage.resetsAt).toISOString() }
      : {}),
  };
}
