/**
 * @module
 * The embedded store: LevelDB through `classic-level` (prebuilt binaries ship inside the npm
 * package), one directory, survives restarts. Expiry is checked on read; expired entries are removed
 * then. One process owns a directory at a time (LevelDB's lock); use Redis to share between
 * processes. The native module is loaded on first use.
 *
 * A failure (disk full, directory gone, lock held) is not final: the database is closed and opened
 * again on the first use after a backoff ({@link ReopenBackoff}), so the store recovers by itself
 * once space is freed. LevelDB keeps refusing writes after one background write failed, which is
 * why a failed read or write also reopens rather than retrying on the same handle.
 */
import { mkdir } from 'node:fs/promises';
import type { ClassicLevel } from 'classic-level';
import { ClaudeCodeConfigurationError } from '../core/errors/index.js';
import type { KeyValueStore } from './key-value-store.js';
import { ReopenBackoff, type ReopenBackoffOptions } from './reopen-backoff.js';

interface StoredValue {
  readonly v: string;
  /** Expiry in epoch ms, 0 for never. */
  readonly e: number;
}

type Db = ClassicLevel<string, StoredValue>;

/** Options of {@link FileKeyValueStore}. */
export interface FileKeyValueStoreOptions {
  /** How long a failed store waits before the next try. @default 1 s doubling to 30 s */
  readonly reopen?: ReopenBackoffOptions | undefined;
}

/** {@link KeyValueStore} in a LevelDB directory at `path`. */
export class FileKeyValueStore implements KeyValueStore {
  readonly #path: string;
  readonly #backoff: ReopenBackoff;
  #db: Promise<Db> | undefined;

  constructor(path: string, options: FileKeyValueStoreOptions = {}) {
    this.#path = path;
    this.#backoff = new ReopenBackoff(options.reopen);
  }

  /** False from a failure until an operation succeeds again. Error messages name the path: log them, do not show them to remote callers. */
  get available(): boolean {
    return !this.#backoff.failing;
  }

  get(key: string): Promise<string | undefined> {
    return this.#use(async (db) => {
      const stored = await db.get(key);
      if (!stored) return undefined;
      if (stored.e !== 0 && stored.e <= Date.now()) {
        await db.del(key);
        return undefined;
      }
      return stored.v;
    });
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.#use((db) => db.put(key, { v: value, e: ttlMs === undefined ? 0 : Date.now() + ttlMs }));
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) await (await db.catch(() => undefined))?.close();
  }

  /** Run `operation` on the open database; a failure schedules a reopen. */
  async #use<T>(operation: (db: Db) => Promise<T>): Promise<T> {
    const opening = this.#open();
    const db = await opening;
    try {
      const result = await operation(db);
      this.#backoff.succeeded();
      return result;
    } catch (error) {
      // A value that does not decode is that entry's problem, not the database's.
      if ((error as { code?: unknown }).code !== 'LEVEL_DECODE_ERROR') this.#broken(opening, error);
      throw error;
    }
  }

  #open(): Promise<Db> {
    if (this.#db) return this.#db;
    const blocked = this.#backoff.blockedBy;
    if (blocked) return Promise.reject(blocked.error as Error);
    const opening = this.#connect();
    this.#db = opening;
    opening.catch((error: unknown) => this.#broken(opening, error));
    return opening;
  }

  async #connect(): Promise<Db> {
    try {
      await mkdir(this.#path, { recursive: true, mode: 0o700 });
      const { ClassicLevel } = await import('classic-level');
      // Small entries and point lookups: LevelDB's defaults (8 MiB block cache, 4 MiB memtable) would
      // only grow the process, which also makes every CLI spawn (fork) slower.
      const db = new ClassicLevel<string, StoredValue>(this.#path, {
        valueEncoding: 'json',
        cacheSize: 1 << 20,
        writeBufferSize: 1 << 20,
      });
      await db.open();
      return db;
    } catch (error) {
      const locked = (error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED';
      throw new ClaudeCodeConfigurationError(
        `Cannot open the store at ${this.#path}: ${(error as Error).message}.` +
          (locked
            ? ' Another process is using it; give each process its own path, or share through Redis (redisUrl).'
            : ' It is tried again shortly.'),
        { cause: error },
      );
    }
  }

  /** Forget the handle `opening` (if still current), close it, and wait before the next try. */
  #broken(opening: Promise<Db>, error: unknown): void {
    // Several operations failing on the same handle are one failure.
    if (this.#db !== opening) return;
    this.#db = undefined;
    this.#backoff.failed(error);
    opening.then(
      (db) => db.close().catch(() => undefined),
      () => undefined,
    );
  }
}
