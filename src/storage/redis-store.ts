/**
 * @module
 * The shared store: Redis (ioredis), for several wrapper or proxy processes behind one cache and one
 * conversation map. Keys are namespaced; expiry is Redis's own (`PX`). ioredis is loaded on first
 * use, so programs that never configure Redis do not pay for importing it.
 */
import type { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';

/** Connect to Redis (dynamic import of ioredis). Calls fail quickly when Redis is down. */
export async function connectRedis(url: string): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  return new RedisClient(url, { maxRetriesPerRequest: 2 });
}

/** {@link KeyValueStore} on Redis. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly #url: string;
  readonly #prefix: string;
  #client: Promise<Redis> | undefined;

  /** @param prefix Namespace for keys, e.g. `ccw:cache:`. */
  constructor(url: string, prefix: string) {
    this.#url = url;
    this.#prefix = prefix;
  }

  async get(key: string): Promise<string | undefined> {
    return (await (await this.#redis()).get(this.#prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const redis = await this.#redis();
    if (ttlMs === undefined) await redis.set(this.#prefix + key, value);
    else await redis.set(this.#prefix + key, value, 'PX', ttlMs);
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    const redis = await client;
    await redis.quit().catch(() => redis.disconnect());
  }

  #redis(): Promise<Redis> {
    this.#client ??= connectRedis(this.#url);
    return this.#client;
  }
}
