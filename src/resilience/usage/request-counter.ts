/**
 * @module
 * Requests per API key in a one-minute window (rate-limiter-flexible's fixed window, which starts
 * with the key's first request): in memory for one server, in Redis when replicas share it. The
 * limiter only counts; {@link KeyUsage} compares the count with each key's own limit, so one
 * limiter serves keys with different limits.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisConnection } from '../../storage/redis-store.js';

/** A key's requests in its current window. */
export interface RequestCount {
  readonly count: number;
  /** Until the window ends (0 when no window is open). @unit milliseconds */
  readonly resetsInMs: number;
}

/** See the module comment. */
export interface RequestCounter {
  /** Count one request of `client`. */
  add(client: string): Promise<RequestCount>;
  /** The count without adding to it. */
  peek(client: string): Promise<RequestCount>;
}

const WINDOW_SECONDS = 60;

/** Counter in memory, or in Redis through `connection` (failures: `ClaudeCodeStoreUnavailableError`). */
export function createRequestCounter(connection?: RedisConnection): RequestCounter {
  let limiter: Promise<RateLimiterAbstract> | undefined;
  const open = (): Promise<RateLimiterAbstract> => {
    limiter ??= (async () => {
      // Loaded on first use: the module costs ~10 MB of memory.
      const { RateLimiterMemory, RateLimiterRedis } = await import('rate-limiter-flexible');
      // Counting only: the limit is each key's own, so the limiter never refuses.
      const options = { points: Number.MAX_SAFE_INTEGER, duration: WINDOW_SECONDS, keyPrefix: 'ccw-key-rpm' };
      if (!connection) return new RateLimiterMemory(options);
      return new RateLimiterRedis({ ...options, storeClient: await connection.client() });
    })();
    return limiter;
  };
  const use = async <T>(
    kind: 'read' | 'write',
    operation: (limiter: RateLimiterAbstract) => Promise<T>,
  ): Promise<T> => {
    const opened = await open();
    return connection ? connection.run(kind, () => operation(opened)) : operation(opened);
  };
  return {
    add: (client) =>
      use('write', async (l) => {
        const res = await l.consume(client, 1);
        return { count: res.consumedPoints, resetsInMs: res.msBeforeNext };
      }),
    peek: (client) =>
      use('read', async (l) => {
        const res = await l.get(client);
        return res
          ? { count: res.consumedPoints, resetsInMs: Math.max(0, res.msBeforeNext) }
          : { count: 0, resetsInMs: 0 };
      }),
  };
}
