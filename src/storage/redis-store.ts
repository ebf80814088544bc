/**
 * @module
 * The shared store: Redis (ioredis), for several wrapper or proxy processes behind one cache and one
 * conversation map. Keys are namespaced; expiry is Redis's own (`PX`).
 */
import { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';

/** {@link KeyValueStore} on Redis. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  /** @param prefix Namespace for keys, e.g. `ccw:cache:`. */
  constructor(url: string, prefix: string) {
    // Fail calls quickly when Redis is down instead of queueing them forever.
    this.#redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    this.#prefix = prefix;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.#redis.set(this.#prefix + key, value);
    else await this.#redis.set(this.#prefix + key, value, 'PX', ttlMs);
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
