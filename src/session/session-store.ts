/**
 * @module
 * Maps a hash of a conversation prefix to the CLI session that produced it, so a request that
 * extends a known conversation resumes that session instead of replaying the history.
 */

/** Key-value store for conversation-prefix hashes → CLI session ids. */
export interface SessionStore {
  /** The session id stored for `key`, if any and not expired. */
  get(key: string): Promise<string | undefined>;
  /** Remember `sessionId` for `key`. */
  set(key: string, sessionId: string): Promise<void>;
  /** Release resources (files, connections). */
  close(): Promise<void>;
}

/** Process-local store with a size bound (oldest entries evicted first). */
export class MemorySessionStore implements SessionStore {
  readonly #entries = new Map<string, string>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, sessionId: string): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, sessionId);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
