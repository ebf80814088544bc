/**
 * @module
 * A small string key-value interface with expiry, implemented by memory, LMDB (embedded directory,
 * shared by the processes of one machine) and Redis (shared between machines). The response cache
 * and the conversation → session store both sit on it.
 */

/** String key-value store with per-entry time to live. */
export interface KeyValueStore {
  /** The value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Store `value`; it expires after `ttlMs` (never when omitted). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Release files and connections. */
  close(): Promise<void>;
  /**
   * False while the store is known to be failing (it keeps trying to recover); undefined when the
   * store cannot tell.
   */
  readonly available?: boolean | undefined;
}

/**
 * A {@link KeyValueStore} that also adds to integer counters atomically (per-key usage: requests
 * per minute, spend per day and month). A counter is an ordinary entry holding a decimal integer.
 */
export interface CounterStore extends KeyValueStore {
  /**
   * Add `by` (an integer) to the counter at `key` (absent or expired counts as 0) in one atomic
   * step, even between processes sharing the store; the entry then expires `ttlMs` from now.
   * Resolves with the new value.
   */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
}

/** The integer a counter entry holds (0 for an absent or unreadable one). */
export function counterValue(stored: string | undefined): number {
  const value = stored === undefined ? 0 : Number.parseInt(stored, 10);
  return Number.isSafeInteger(value) ? value : 0;
}

/** In-process store bounded by entry count (oldest evicted first). */
export class MemoryKeyValueStore implements CounterStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : Date.now() + ttlMs });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const value = counterValue(await this.get(key)) + by;
    await this.set(key, String(value), ttlMs);
    return value;
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
