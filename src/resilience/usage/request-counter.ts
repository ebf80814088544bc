/**
 * @module
 * Requests per API key in a one-minute fixed window that starts with the key's first request: in
 * memory for one server, in Redis (rate-limiter-flexible) when replicas share it. The counter only
 * counts; `KeyUsage` compares the count with each key's own limit, so one counter serves keys with
 * different limits.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisConnection } from '../../storage/redis-store.js';

/** A key's requests in its current window. */
export interface RequestCount {
  readonly count: number;
  /**
   * When the window ends (epoch milliseconds; 0 when no window is open). A time, not a duration,
   * so two reads of one window report the same end: in memory exactly, in Redis to within the
   * round trip that read its time to live.
   */
  readonly resetsAt: number;
}

/** See the module comment. */
export interface RequestCounter {
  /** Count one request of `client`. */
  add(client: string): Promise<RequestCount>;
  /** The count without adding to it. */
  peek(client: string): Promise<RequestCount>;
}

const WINDOW_MS = 60_000;

/** Windows kept by {@link MemoryRequestCounter} before the ended ones are dropped. */
const MEMORY_WINDOWS = 10_000;

/**
 * Counter in memory ({@link MemoryRequestCounter}), or in Redis through `connection`
 * (rate-limiter-flexible; failures: `ClaudeCodeStoreUnavailableError`).
 */
export function createRequestCounter(connection?: RedisConnection): RequestCounter {
  return connection ? redisRequestCounter(connection) : new MemoryRequestCounter();
}

/**
 * Windows in a map: the same fixed window as rate-limiter-flexible's, without loading it (~10 MB)
 * into a server that never shares its counts.
 */
export class MemoryRequestCounter implements RequestCounter {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  async add(client: string): Promise<RequestCount> {
    const now = Date.now();
    let window = this.#windows.get(client);
    if (window === undefined || window.endsAt <= now) {
      if (this.#windows.size >= MEMORY_WINDOWS) this.#dropEnded(now);
      window = { count: 0, endsAt: now + WINDOW_MS };
      this.#windows.set(client, window);
    }
    window.count += 1;
    return { count: window.count, resetsAt: window.endsAt };
  }

  async peek(client: string): Promise<RequestCount> {
    const now = Date.now();
    const window = this.#windows.get(client);
    return window === undefined || window.endsAt <= now
      ? { count: 0, resetsAt: 0 }
      : { count: window.count, resetsAt: window.endsAt };
  }

  #dropEnded(now: number): void {
    for (const [client, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(client);
  }
}

function redisRequestCounter(connection: RedisConnection): RequestCounter {
  let limiter: Promise<RateLimiterAbstract> | undefined;
  const use = async <T>(
    kind: 'read' | 'write',
    operation: (limiter: RateLimiterAbstract) => Promise<T>,
  ): Promise<T> => {
    limiter ??= (async () => {
      const { RateLimiterRedis } = await import('rate-limiter-flexible');
      // Counting only: the limit is each key's own, so the limiter never refuses.
      return new RateLimiterRedis({
        points: Number.MAX_SAFE_INTEGER,
        duration: WINDOW_MS / 1000,
        keyPrefix: 'ccw-key-rpm',
        storeClient: await connection.client(),
      });
    })();
    const opened = await limiter;
    return connection.run(kind, () => operation(opened));
  };
  return {
    add: (client) =>
      use('write', async (l) => {
        const res = await l.consume(client, 1);
        return { count: res.consumedPoints, resetsAt: Date.now() + res.msBeforeNext };
      }),
    peek: (client) =>
      use('read', async (l) => {
        const res = await l.get(client);
        if (!res) return { count: 0, resetsAt: 0 };
        return {
          count: res.consumedPoints,
          resetsAt: res.msBeforeNext > 0 ? Date.now() + res.msBeforeNext : 0,
        };
      }),
  };
}
