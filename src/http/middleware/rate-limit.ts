/**
 * @module
 * Per-client rate limit (rate-limiter-flexible, in memory): `requestsPerMinute` per API key, 429
 * `rate_limit_error` with `retry-after` beyond it.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../http-problem.js';
import type { AuthVariables } from './auth.js';

/** Limit each client (as identified by the auth middleware) to `requestsPerMinute`; 0 disables. */
export function rateLimit(requestsPerMinute: number): MiddlewareHandler<{ Variables: AuthVariables }> {
  // Loaded only when enabled: the module costs ~10 MB of memory.
  const limiter =
    requestsPerMinute > 0
      ? import('rate-limiter-flexible').then(({ RateLimiterMemory, RateLimiterRes }) => ({
          memory: new RateLimiterMemory({ points: requestsPerMinute, duration: 60 }),
          isRejection: (e: unknown): e is InstanceType<typeof RateLimiterRes> => e instanceof RateLimiterRes,
        }))
      : undefined;
  return async function rateLimitMiddleware(c, next) {
    if (limiter) {
      const { memory, isRejection } = await limiter;
      try {
        await memory.consume(c.get('clientId'));
      } catch (rejection) {
        if (!isRejection(rejection)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new HttpProblem(
          429,
          'rate_limit_error',
          `Rate limit of ${requestsPerMinute} requests per minute exceeded.`,
          {
            'retry-after': String(seconds),
          },
        );
      }
    }
    await next();
  };
}
