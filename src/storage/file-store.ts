/**
 * @module
 * The embedded store: LevelDB through `classic-level` (prebuilt binaries ship inside the npm
 * package), one directory, survives restarts. Expiry is checked on read; expired entries are removed
 * then. One process owns a directory at a time (LevelDB's lock); use Redis to share between
 * processes. The native module is loaded on first use.
 */
import { mkdirSync } from 'node:fs';
import type { ClassicLevel } from 'classic-level';
import { ClaudeCodeConfigurationError } from '../core/errors/index.js';
import type { KeyValueStore } from './key-value-store.js';

interface StoredValue {
  readonly v: string;
  /** Expiry in epoch ms, 0 for never. */
  readonly e: number;
}

/** {@link KeyValueStore} in a LevelDB directory at `path`. */
export class FileKeyValueStore implements KeyValueStore {
  readonly #path: string;
  #db: Promise<ClassicLevel<string, StoredValue>> | undefined;

  constructor(path: string) {
    this.#path = path;
    mkdirSync(path, { recursive: true, mode: 0o700 });
  }

  async get(key: string): Promise<string | undefined> {
    const db = await this.#open();
    const stored = await db.get(key);
    if (!stored) return undefined;
    if (stored.e !== 0 && stored.e <= Date.now()) {
      await db.del(key);
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
    if (db) await (await db.catch(() => undefined))?.close();
  }

  #open(): Promise<ClassicLevel<string, StoredValue>> {
    this.#db ??= (async () => {
      const { ClassicLevel } = await import('classic-level');
      // Small entries and point lookups: LevelDB's defaults (8 MiB block cache, 4 MiB memtable) would
      // only grow the process, which also makes every CLI spawn (fork) slower.
      const db = new ClassicLevel<string, StoredValue>(this.#path, {
        valueEncoding: 'json',
        cacheSize: 1 << 20,
        writeBufferSize: 1 << 20,
      });
      try {
        await db.open();
      } catch (error) {
        throw new ClaudeCodeConfigurationError(
          `Cannot open the store at ${this.#path}: ${(error as Error).message}. Another process may be using it; give each process its own path, or share through Redis (redisUrl).`,
          { cause: error },
        );
      }
      return db;
    })();
    return this.#db;
  }
}
