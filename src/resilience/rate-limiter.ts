/**
 * @module
 * Client-side rate limit (rate-limiter-flexible): calls wait for a token instead of failing. Memory by
 * default; Redis when several processes share one budget.
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis } from 'rate-limiter-flexible';
import { ClaudeCodeAbortError } from '../core/errors/index.js';

/** Something that admits calls at a bounded rate. */
export interface CallRateLimiter {
  /** Resolves when the call may start. */
  acquire(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Create a limiter for `requestsPerMinute` (memory, or Redis with `redisUrl`). */
export function createRateLimiter(requestsPerMinute: number, redisUrl?: string): CallRateLimiter {
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  const options = { points: requestsPerMinute, duration: 60, keyPrefix: 'ccw-rate' };
  const limiter = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis })
    : new RateLimiterMemory(options);
  const queue = new RateLimiterQueue(limiter, { maxQueueSize: 10_000 });
  return {
    async acquire(signal) {
      if (signal?.aborted) throw new ClaudeCodeAbortError(signal.reason);
      const waiting = queue.removeTokens(1);
      if (!signal) {
        await waiting;
        return;
      }
      // The queue has no cancellation; an aborted caller stops waiting (its token is spent).
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(new ClaudeCodeAbortError(signal.reason));
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.then(
          () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      });
    },
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
