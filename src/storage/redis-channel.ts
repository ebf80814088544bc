/**
 * @module
 * One Redis pub/sub channel: the replicas of a proxy tell each other things that cannot wait for a
 * lookup (a client tool run answered elsewhere must end now, not at its deadline). Publishing goes
 * through a {@link RedisConnection} (failures are {@link ClaudeCodeStoreUnavailableError}s, reported
 * once per outage); listening needs a connection of its own (Redis allows nothing but pub/sub on a
 * subscribed connection), which ioredis subscribes again after every reconnection.
 */
import type { Redis } from 'ioredis';
import { connectRedis, RedisConnection, type RedisConnectionOptions } from './redis-store.js';

/** See the module comment. */
export class RedisChannel {
  readonly #url: string;
  readonly #name: string;
  readonly #publisher: RedisConnection;
  #subscriber: Promise<Redis> | undefined;

  /** @param name The channel, e.g. `ccw:tool-runs`. */
  constructor(url: string, name: string, options: RedisConnectionOptions = {}) {
    this.#url = url;
    this.#name = name;
    this.#publisher = new RedisConnection(url, options);
  }

  /**
   * Send `message` to every subscriber (this process's own included).
   * @throws {@link ClaudeCodeStoreUnavailableError} while Redis is down.
   */
  async publish(message: string): Promise<void> {
    await this.#publisher.run('write', (redis) => redis.publish(this.#name, message));
  }

  /**
   * Hear every message of the channel from now on. Resolves once subscribed; rejects when Redis
   * cannot be reached (ioredis keeps trying, and subscribes as soon as it is back).
   */
  async subscribe(listener: (message: string) => void): Promise<void> {
    // Connection errors are ioredis's to retry; the first one is the caller's to report.
    this.#subscriber ??= connectRedis(this.#url);
    const redis = await this.#subscriber;
    redis.on('message', (channel: string, message: string) => {
      if (channel !== this.#name) return;
      try {
        listener(message);
      } catch {
        // A listener's failure must not stop the others or the connection.
      }
    });
    let subscribed = false;
    const subscribe = async (): Promise<void> => {
      await redis.subscribe(this.#name);
      subscribed = true;
    };
    // ioredis subscribes again after a reconnection only to channels it got: a first attempt that
    // failed (Redis down at start) is made again once Redis is there.
    redis.on('ready', () => {
      if (!subscribed) subscribe().catch(() => undefined);
    });
    await subscribe();
  }

  /** Close both connections. */
  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) {
      const redis = await subscriber;
      redis.disconnect();
    }
    await this.#publisher.close();
  }
}
