/**
 * @module
 * Client-side rate limit (rate-limiter-flexible): calls wait for a token instead of failing. Memory by
 * default; Redis when several processes share one budget (ioredis loaded only then).
 *
 * Redis down fails the call fast with {@link ClaudeCodeStoreUnavailableError} (within ~1 s, at once
 * while the outage is known) rather than running unlimited: the shared budget exists to keep several
 * processes under one account's quota, and silently dropping it could exceed that.
 */
import type { RateLimiterQueue } from 'rate-limiter-flexible';
import { ClaudeCodeAbortError, type ClaudeCodeStoreUnavailableError } from '../core/errors/index.js';
import { RedisConnection } from '../storage/redis-store.js';

/** Something that admits calls at a bounded rate. */
export interface CallRateLimiter {
  /** Resolves when the call may start. */
  acquire(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Observers of {@link createRateLimiter}. */
export interface RateLimiterHooks {
  /** The shared store (Redis) failed: the first failure of each outage. */
  readonly onStoreOutage?: ((error: ClaudeCodeStoreUnavailableError) => void) | undefined;
}

/**
 * Create a limiter for `requestsPerMinute` (memory, or Redis with `redisUrl`).
 * With Redis, `acquire` rejects with {@link ClaudeCodeStoreUnavailableError} while Redis is down.
 */
export function createRateLimiter(
  requestsPerMinute: number,
  redisUrl?: string,
  hooks: RateLimiterHooks = {},
): CallRateLimiter {
  const options = { points: requestsPerMinute, duration: 60, keyPrefix: 'ccw-rate' };
  const connection = redisUrl
    ? new RedisConnection(redisUrl, { purpose: 'rate limit', onOutage: hooks.onStoreOutage })
    : undefined;
  let queue: Promise<RateLimiterQueue> | undefined;
  const getQueue = (): Promise<RateLimiterQueue> => {
    queue ??= (async () => {
      // Loaded on first use: most wrappers never rate-limit, and the module costs ~10 MB of memory.
      const { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis } = await import('rate-limiter-flexible');
      if (!connection) return new RateLimiterQueue(new RateLimiterMemory(options), { maxQueueSize: 10_000 });
      const limiter = new RateLimiterRedis({ ...options, storeClient: await connection.client() });
      return new RateLimiterQueue(limiter, { maxQueueSize: 10_000 });
    })();
    return queue;
  };
  const take = async (): Promise<void> => {
    const q = await getQueue();
    if (!connection) {
      await q.removeTokens(1);
      return;
    }
    await connection.run(
      'write',
      () => q.removeTokens(1),
      // The queue's own refusal (too many waiting) is not a store failure.
      (error) => (error as object | undefined)?.constructor?.name === 'RateLimiterQueueError',
    );
  };
  return {
    async acquire(signal) {
      if (signal?.aborted) throw new ClaudeCodeAbortError(signal.reason);
      const waiting = take();
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
      await connection?.close();
    },
  };
}
