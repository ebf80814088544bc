/**
 * @module
 * Client-side rate limit (rate-limiter-flexible): calls wait for a token instead of failing. Memory by
 * default; Redis when several processes share one budget (ioredis loaded only then).
 */
import type { Redis } from 'ioredis';
import type { RateLimiterQueue } from 'rate-limiter-flexible';
import { ClaudeCodeAbortError } from '../core/errors/index.js';
import { connectRedis } from '../storage/redis-store.js';

/** Something that admits calls at a bounded rate. */
export interface CallRateLimiter {
  /** Resolves when the call may start. */
  acquire(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Create a limiter for `requestsPerMinute` (memory, or Redis with `redisUrl`). */
export function createRateLimiter(requestsPerMinute: number, redisUrl?: string): CallRateLimiter {
  const options = { points: requestsPerMinute, duration: 60, keyPrefix: 'ccw-rate' };
  let redis: Promise<Redis> | undefined;
  let queue: Promise<RateLimiterQueue> | undefined;
  const getQueue = (): Promise<RateLimiterQueue> => {
    queue ??= (async () => {
      // Loaded on first use: most wrappers never rate-limit, and the module costs ~10 MB of memory.
      const { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis } = await import('rate-limiter-flexible');
      if (!redisUrl) return new RateLimiterQueue(new RateLimiterMemory(options), { maxQueueSize: 10_000 });
      redis = connectRedis(redisUrl);
      const limiter = new RateLimiterRedis({ ...options, storeClient: await redis });
      return new RateLimiterQueue(limiter, { maxQueueSize: 10_000 });
    })();
    return queue;
  };
  return {
    async acquire(signal) {
      if (signal?.aborted) throw new ClaudeCodeAbortError(signal.reason);
      const waiting = getQueue().then((q) => q.removeTokens(1));
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
      if (!redis) return;
      const client = await redis;
      await client.quit().catch(() => client.disconnect());
    },
  };
}
