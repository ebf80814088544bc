/**
 * @module
 * The shared store: Redis (ioredis), for several wrapper or proxy processes behind one cache, one
 * rate budget and one conversation map. Keys are namespaced; expiry is Redis's own (`PX`). ioredis
 * is loaded on first use, so programs that never configure Redis do not pay for importing it.
 *
 * Redis not running is an expected condition, not a crash: connection errors are listened to (no
 * "[ioredis] Unhandled error event" noise), connecting gives up after {@link CONNECT_TIMEOUT_MS}, a
 * command is retried over one reconnection and then fails, so a call learns about an outage within
 * ~1 s. While Redis is known to be down, calls fail at once without waiting; ioredis keeps
 * reconnecting in the background and the first command after it is back succeeds. Every failure
 * reaching a caller is a {@link ClaudeCodeStoreUnavailableError} naming the URL (password
 * redacted) and the cause; `onOutage` hears about the first one of each outage.
 */
import type { Redis } from 'ioredis';
import { ClaudeCodeStoreUnavailableError, type StorePurpose } from '../core/errors/index.js';
import type { CounterStore } from './key-value-store.js';

/** How long one connection attempt may take. @unit milliseconds */
export const CONNECT_TIMEOUT_MS = 1000;

/** Options of {@link RedisConnection}. */
export interface RedisConnectionOptions {
  /** What the connection is for, named in errors. @default 'response cache' */
  readonly purpose?: StorePurpose | undefined;
  /** Hears about the first failure of each outage (log it once), with the kind of operation that hit it. */
  readonly onOutage?:
    ((error: ClaudeCodeStoreUnavailableError, operation: 'read' | 'write') => void) | undefined;
  /** Hears that Redis answers again after an outage. */
  readonly onRecovered?: (() => void) | undefined;
}

/**
 * Connect to Redis (dynamic import of ioredis) with bounded waiting and an error listener; calls
 * fail within about a second when Redis is down. Prefer {@link RedisConnection}, which also turns
 * failures into {@link ClaudeCodeStoreUnavailableError}.
 */
export async function connectRedis(
  url: string,
  onConnectionError: (error: Error) => void = () => undefined,
  {
    commandRetries = 1,
    lazyConnect = false,
  }: {
    /**
     * Reconnections a command waits through before it fails; null waits through any outage (what
     * BullMQ needs). The default, 1, fails a command within about a second (ioredis's own, 20,
     * waits ~10 s).
     */
    readonly commandRetries?: number | null;
    /** Connect on `client.connect()` instead of at once. */
    readonly lazyConnect?: boolean;
  } = {},
): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  const client = new RedisClient(url, {
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: commandRetries,
    lazyConnect,
    // Keep reconnecting in the background, at most every 2 s, so the store recovers by itself.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis prints "[ioredis] Unhandled error event" for every failed attempt.
  client.on('error', onConnectionError);
  return client;
}

/** One lazily opened ioredis client whose failures are {@link ClaudeCodeStoreUnavailableError}s. */
export class RedisConnection {
  readonly #url: string;
  readonly #purpose: StorePurpose;
  readonly #onOutage: RedisConnectionOptions['onOutage'];
  readonly #onRecovered: RedisConnectionOptions['onRecovered'];
  #client: Promise<Redis> | undefined;
  /** The latest connection error (its code is the cause named in errors). */
  #lastConnectionError: Error | undefined;
  /** Set from a failure until Redis answers again. */
  #outage: ClaudeCodeStoreUnavailableError | undefined;

  constructor(url: string, options: RedisConnectionOptions = {}) {
    this.#url = url;
    this.#purpose = options.purpose ?? 'response cache';
    this.#onOutage = options.onOutage;
    this.#onRecovered = options.onRecovered;
  }

  /** False from a failure until Redis answers again. */
  get available(): boolean {
    return this.#outage === undefined;
  }

  /** The client, connecting on first use. */
  client(): Promise<Redis> {
    this.#client ??= connectRedis(this.#url, (error) => {
      this.#lastConnectionError = error;
    }).then((redis) => {
      redis.on('ready', () => this.#recovered());
      return redis;
    });
    return this.#client;
  }

  /**
   * Run `operation`; a connection failure becomes a {@link ClaudeCodeStoreUnavailableError}. While
   * an outage lasts and the client is not connected, fails at once.
   * @param kind Reported to `onOutage`.
   * @param isOwnError Errors of `operation` that are not about the store; they pass through.
   */
  async run<T>(
    kind: 'read' | 'write',
    operation: (redis: Redis) => Promise<T>,
    isOwnError?: (error: unknown) => boolean,
  ): Promise<T> {
    const redis = await this.client();
    if (this.#outage && redis.status !== 'ready') throw this.#outage;
    try {
      const result = await operation(redis);
      this.#recovered();
      return result;
    } catch (error) {
      throw isOwnError?.(error) ? error : this.unavailable(error, kind);
    }
  }

  /**
   * `error` as the store's failure: a Redis reply error (a bad command) passes through; anything
   * else means Redis could not be reached and starts (or continues) an outage.
   */
  unavailable(error: unknown, kind: 'read' | 'write'): unknown {
    if (error instanceof ClaudeCodeStoreUnavailableError) return error;
    if ((error as { name?: unknown } | undefined)?.name === 'ReplyError') return error;
    const failure = new ClaudeCodeStoreUnavailableError(this.#url, this.#reason(error), this.#purpose, {
      cause: error,
    });
    const first = this.#outage === undefined;
    this.#outage = failure;
    if (first) {
      try {
        this.#onOutage?.(failure, kind);
      } catch {
        // A reporting callback must not change the outcome.
      }
    }
    return failure;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    const redis = await client;
    // QUIT waits for Redis; while it is down, just drop the connection.
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  }

  #recovered(): void {
    if (this.#outage === undefined) return;
    this.#outage = undefined;
    try {
      this.#onRecovered?.();
    } catch {
      // See above.
    }
  }

  /** The errno code of the connection error behind `error` (ECONNREFUSED...), else a short phrase. */
  #reason(error: unknown): string {
    const code = (candidate: unknown): string | undefined => {
      const value = (candidate as { code?: unknown } | undefined)?.code;
      return typeof value === 'string' && /^E[A-Z]+$/.test(value) ? value : undefined;
    };
    const direct = code(error) ?? code((error as { cause?: unknown } | undefined)?.cause);
    if (direct) return direct;
    const last = code(this.#lastConnectionError);
    if (last) return last;
    const message = this.#lastConnectionError?.message ?? (error as Error | undefined)?.message;
    return message ? message.split('\n')[0]!.slice(0, 120) : 'connection failed';
  }
}

/** Options of {@link RedisKeyValueStore}. */
export interface RedisKeyValueStoreOptions {
  /** What the store holds, named in errors. @default 'response cache' */
  readonly purpose?: StorePurpose | undefined;
  /** Hears about the first failure of each outage. */
  readonly onOutage?: RedisConnectionOptions['onOutage'];
}

/** {@link KeyValueStore} on Redis. Operations reject with {@link ClaudeCodeStoreUnavailableError} while Redis is down. */
export class RedisKeyValueStore implements CounterStore {
  readonly #prefix: string;
  readonly #connection: RedisConnection;

  /** @param prefix Namespace for keys, e.g. `ccw:cache:`. */
  constructor(url: string, prefix: string, options: RedisKeyValueStoreOptions = {}) {
    this.#prefix = prefix;
    this.#connection = new RedisConnection(url, options);
  }

  /** False from a failure until Redis answers again. */
  get available(): boolean {
    return this.#connection.available;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#connection.run('read', (redis) => redis.get(this.#prefix + key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.#connection.run('write', (redis) =>
      ttlMs === undefined
        ? redis.set(this.#prefix + key, value)
        : redis.set(this.#prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs))),
    );
  }

  /** `INCRBY` and `PEXPIRE` in one `MULTI`. */
  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const prefixed = this.#prefix + key;
    const replies = await this.#connection.run('write', (redis) =>
      redis
        .multi()
        .incrby(prefixed, by)
        .pexpire(prefixed, Math.max(1, Math.round(ttlMs)))
        .exec(),
    );
    const [error, value] = replies?.[0] ?? [new Error('MULTI was discarded'), undefined];
    if (error) throw this.#connection.unavailable(error, 'write');
    return Number(value);
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}
