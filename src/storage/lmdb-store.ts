/**
 * @module
 * The embedded store: LMDB (memory-mapped, crash-safe, prebuilt binaries from npm), one directory,
 * survives restarts. Expiry is checked on read; expired entries are removed then. The native module
 * is loaded on first use.
 */
import { mkdirSync } from 'node:fs';
import type { RootDatabase } from 'lmdb';
import type { KeyValueStore } from './key-value-store.js';

interface StoredValue {
  readonly v: string;
  /** Expiry in epoch ms, 0 for never. */
  readonly e: number;
}

/** {@link KeyValueStore} in an LMDB environment at `path`. */
export class LmdbKeyValueStore implements KeyValueStore {
  readonly #path: string;
  #db: Promise<RootDatabase<StoredValue, string>> | undefined;

  constructor(path: string) {
    this.#path = path;
    mkdirSync(path, { recursive: true, mode: 0o700 });
  }

  async get(key: string): Promise<string | undefined> {
    const db = await this.#open();
    const stored = db.get(key);
    if (!stored) return undefined;
    if (stored.e !== 0 && stored.e <= Date.now()) {
      await db.remove(key);
      return undefined;
    }
    return stored.v;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await (await this.#open()).put(key, { v: value, e: ttlMs === undefined ? 0 : Date.now() + ttlMs });
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) await (await db).close();
  }

  #open(): Promise<RootDatabase<StoredValue, string>> {
    this.#db ??= import('lmdb').then(({ open }) => open<StoredValue, string>({ path: this.#path, compression: true }));
    return this.#db;
  }
}
