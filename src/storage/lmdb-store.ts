/**
 * @module
 * The embedded store: LMDB (memory-mapped, crash-safe, prebuilt binaries from npm), one directory,
 * survives restarts. Expiry is checked on read; expired entries are removed then.
 */
import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import type { KeyValueStore } from './key-value-store.js';

interface StoredValue {
  readonly v: string;
  /** Expiry in epoch ms, 0 for never. */
  readonly e: number;
}

/** {@link KeyValueStore} in an LMDB environment at `path`. */
export class LmdbKeyValueStore implements KeyValueStore {
  readonly #db: RootDatabase<StoredValue, string>;

  constructor(path: string) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    this.#db = open<StoredValue, string>({ path, compression: true });
  }

  async get(key: string): Promise<string | undefined> {
    const stored = this.#db.get(key);
    if (!stored) return undefined;
    if (stored.e !== 0 && stored.e <= Date.now()) {
      await this.#db.remove(key);
      return undefined;
    }
    return stored.v;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.#db.put(key, { v: value, e: ttlMs === undefined ? 0 : Date.now() + ttlMs });
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
