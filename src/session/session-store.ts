/**
 * @module
 * Maps a hash of a conversation prefix to the CLI session that produced it, so a request that
 * extends a known conversation resumes that session instead of replaying the history.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyValueStore, type KeyValueStore } from '../storage/key-value-store.js';
import { FileKeyValueStore } from '../storage/file-store.js';
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
}

/** Default lifetime of a conversation mapping: the CLI keeps transcripts about as long. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** A {@link SessionStore} over any {@link KeyValueStore}. */
export class KeyValueSessionStore implements SessionStore {
  readonly #store: KeyValueStore;
  readonly #ttlMs: number;

  constructor(store: KeyValueStore, ttlMs = SESSION_TTL_MS) {
    this.#store = store;
    this.#ttlMs = ttlMs;
  }

  get(key: string): Promise<string | undefined> {
    return this.#store.get(key);
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
  /** `:memory:`, or a directory for the embedded file store. @default `~/.claude-code-wrapper/sessions` */
  readonly path?: string | undefined;
  /** Use Redis instead (shared between processes). */
  readonly redisUrl?: string | undefined;
  /**
   * Hears about a mapping the embedded store could not write (the next turn of that conversation
   * is then synthesized or flattened instead of resumed: slower, still correct).
   */
  readonly onWriteError?: ((error: unknown) => void) | undefined;
}

/**
 * Open the configured session store: Redis, memory, or the embedded default. The embedded store
 * belongs to this process alone, so its writes happen behind the answer
 * ({@link WriteBehindKeyValueStore}; `close` waits for them). Redis is awaited: another process
 * sharing it may serve the conversation's next turn.
 */
export function openSessionStore({ path, redisUrl, onWriteError }: SessionStoreLocation = {}): SessionStore {
  if (redisUrl) return new KeyValueSessionStore(new RedisKeyValueStore(redisUrl, 'ccw:session:'));
  if (path === ':memory:') return new MemorySessionStore();
  const file = new FileKeyValueStore(path ?? join(homedir(), '.claude-code-wrapper', 'sessions'));
  return new KeyValueSessionStore(new WriteBehindKeyValueStore(file, { onWriteError }));
}
