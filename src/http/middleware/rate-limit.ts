/**
 * @module
 * Per-key requests per minute: every `/v1/*` request counts for its key (its `server.keys` limit,
 * else the server's `requestsPerMinute`); beyond it, 429 `rate_limit_error` with `retry-after`
 * until the key's minute window ends. Shared by the replicas with `redisUrl` (see `key-quotas.ts`).
 */
import type { MiddlewareHandler } from 'hono';
import type { KeyQuotas } from '../key-quotas.js';
import type { AuthVariables } from './auth.js';

/** Count each request against its key's requests per minute (after the auth middleware). */
export function rateLimit(quotas: KeyQuotas): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function rateLimitMiddleware(c, next) {
    await quotas.countRequest(c);
    await next();
  };
}
