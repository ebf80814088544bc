/**
 * @module
 * Maps a hash of a conversation prefix to the CLI session that produced it, so a request that
 * extends a known conversation resumes that session instead of replaying the history.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyValueStore, type KeyValueStore } from '../storage/key-value-store.js';
import { FileKeyValueStore } from '../storage/file-store.js';
import type { ReopenBackoffOptions } from '../storage/reopen-backoff.js';
import { RedisKeyValueStore } from '../storage/redis-store.js';
import { WriteBehindKeyValueStore } from '../storage/write-behind-store.js';

/** Key-value store for conversation-prefix hashes → CLI session ids. */
export interface SessionStore {
  /** The session id stored for `key`, if any and not expired. */
  get(key: string): Promise<string | undefined>;
  /** Remember `sessionId` for `key`. */
  set(key: string, sessionId: string): Promise<void>;
  /** Release resources (files, connections). */
  close(): Promise<void>;
  /** False while the backing store is known to be failing (it keeps trying to recover). */
  readonly available?: boolean | undefined;
}

/** Default lifetime of a conversation mapping: the CLI keeps transcripts about as long. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** A {@link SessionStore} over any {@link KeyValueStore}. */
export class KeyValueSessionStore implements SessionStore {
  readonly #store: KeyValueStore;
  readonly #ttlMs: number;
  readonly #onReadError: ((error: unknown) => void) | undefined;

  /** @param onReadError Hears about a failed lookup (which still rejects). */
  constructor(store: KeyValueStore, ttlMs = SESSION_TTL_MS, onReadError?: (error: unknown) => void) {
    this.#store = store;
    this.#ttlMs = ttlMs;
    this.#onReadError = onReadError;
  }

  get available(): boolean | undefined {
    return this.#store.available;
  }

  get(key: string): Promise<string | undefined> {
    const lookup = this.#store.get(key);
    if (this.#onReadError) lookup.catch(this.#onReadError);
    return lookup;
  }

  set(key: string, sessionId: string): Promise<void> {
    return this.#store.set(key, sessionId, this.#ttlMs);
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

/** Process-local store (lost on restart). */
export class MemorySessionStore extends KeyValueSessionStore {
  constructor(maxEntries = 10_000) {
    super(new MemoryKeyValueStore(maxEntries));
  }
}

/** Where to keep the conversation map. */
export interface SessionStoreLocation {
  /**
   * `:memory:`, or a directory for the embedded store (LMDB: `data.mdb` + `lock.mdb`; any number
   * of processes may share it). @default `~/.claude-code-wrapper/sessions`
   */
  readonly path?: string | undefined;
  /** Use Redis instead (shared between processes and machines). */
  readonly redisUrl?: string | undefined;
  /**
   * Hears about every mapping the store could not write (the next turn of that conversation is then
   * synthesized or flattened instead of resumed: slower, still correct).
   */
  readonly onWriteError?: ((error: unknown) => void) | undefined;
  /**
   * Hears about the failure that starts an outage (once, until the store works again), for the
   * server's log, with the operation that hit it. The errors name files or the Redis URL: log
   * them, never send them to callers. A failing embedded store is opened again after a backoff,
   * and Redis is reconnected in the background, so the store recovers once the cause is gone.
   */
  readonly onError?: ((error: unknown, operation: 'read' | 'write') => void) | undefined;
  /** How long a failed embedded store waits before the next try. @default 1 s doubling to 30 s */
  readonly reopen?: ReopenBackoffOptions | undefined;
}

/**
 * Open the configured session store: Redis, memory, or the embedded default. Writes to the embedded
 * store happen behind the answer ({@link WriteBehindKeyValueStore}; `close` waits for them): the
 * write lands within a millisecond or two, before another process can be asked the next turn.
 * Redis is awaited: another machine sharing it may serve the conversation's next turn.
 * While the store is down, lookups reject (the gateway then treats the history as unknown) and
 * failed writes go to `onWriteError` (embedded: never to the caller; Redis: `set` rejects too).
 */
export function openSessionStore({
  path,
  redisUrl,
  onWriteError,
  onError,
  reopen,
}: SessionStoreLocation = {}): SessionStore {
  const tracked = (store: KeyValueStore): KeyValueStore => ({
    get: (key) => store.get(key),
    set: (key, value, ttlMs) =>
      store.set(key, value, ttlMs).catch((error: unknown) => {
        onWriteError?.(error);
        throw error;
      }),
    close: () => store.close(),
    get available() {
      return store.available;
    },
  });
  if (redisUrl) {
    return new KeyValueSessionStore(
      tracked(
        new RedisKeyValueStore(redisUrl, 'ccw:session:', { purpose: 'conversation map', onOutage: onError }),
      ),
    );
  }
  if (path === ':memory:') return new MemorySessionStore();
  const file = new FileKeyValueStore(path ?? join(homedir(), '.claude-code-wrapper', 'sessions'), {
    reopen,
    onOutage: onError,
  });
  // The write-behind layer swallows write failures (after reporting them): set never rejects.
  return new KeyValueSessionStore(new WriteBehindKeyValueStore(tracked(file)));
}
