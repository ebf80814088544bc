/**
 * @module
 * The embedded store: LMDB through the `lmdb` package (prebuilt binaries ship inside the npm
 * packages: no compiler, no download at install). One directory holding `data.mdb` and `lock.mdb`;
 * survives restarts and crashes (copy-on-write B-tree, no log to replay). Several processes on one
 * machine open the same directory at once: readers never block, writers take turns on LMDB's
 * robust mutex (a writer that dies releases it), so two proxies or two scripts share one
 * conversation map or cache. Files from the former LevelDB engine (`CURRENT`, `LOCK`, `*.ldb`...)
 * in the same directory are ignored. The native module is loaded on first use.
 *
 * Expiry: each value carries its expiry time; a read ignores an expired entry and removes it, and a
 * sweep (shortly after opening, then hourly) removes the expired entries nobody reads again, in
 * chunks so it never blocks the event loop for long. LMDB reuses freed pages, so the file stays
 * about the size of the live entries at their peak.
 *
 * Size: the memory map starts at {@link DEFAULT_MAP_SIZE} of address space (not disk: the file
 * grows with the data) and lmdb-js doubles it by itself when a write needs more, in every process
 * that has the store open.
 *
 * A failure (disk full, directory not creatable or unwritable) is not final: the environment is
 * closed and opened again on the first use after a backoff ({@link ReopenBackoff}), so the store
 * recovers by itself once space is freed.
 */
import { mkdirSync } from 'node:fs';
import type { RootDatabase } from 'lmdb';
import { ClaudeCodeConfigurationError } from '../core/errors/index.js';
import { counterValue, type CounterStore } from './key-value-store.js';
import { ReopenBackoff, type ReopenBackoffOptions } from './reopen-backoff.js';

/**
 * Address space mapped for the data file when opened. 1 GiB of virtual memory costs nothing on a
 * 64-bit machine (the file is not preallocated); a store that outgrows it is remapped larger.
 */
export const DEFAULT_MAP_SIZE = 1 << 30;

/** Bytes of the expiry prefix of every stored value (a float64, epoch ms; 0 = never). */
const HEADER = 8;

/** Entries examined per event-loop turn by the sweep. */
const SWEEP_CHUNK = 500;

type Db = RootDatabase<Buffer, string>;

/** Options of {@link FileKeyValueStore}. */
export interface FileKeyValueStoreOptions {
  /** How long a failed store waits before the next try. @default 1 s doubling to 30 s */
  readonly reopen?: ReopenBackoffOptions | undefined;
  /** Time between sweeps of expired entries (the first runs 1/60 of it after opening). @unit milliseconds @default 3600000 */
  readonly sweepIntervalMs?: number | undefined;
  /** Initial map size. @unit bytes @default {@link DEFAULT_MAP_SIZE} */
  readonly mapSize?: number | undefined;
  /**
   * Hears about the first failure of an outage (not every operation that fails during it), e.g.
   * to log it once. The message names the path: log it, never show it to remote callers.
   */
  readonly onOutage?: ((error: unknown, operation: 'read' | 'write') => void) | undefined;
}

/** {@link KeyValueStore} in an LMDB environment (a directory) at `path`, shared by any number of processes. */
export class FileKeyValueStore implements CounterStore {
  readonly #path: string;
  readonly #backoff: ReopenBackoff;
  readonly #sweepIntervalMs: number;
  readonly #mapSize: number;
  readonly #onOutage: FileKeyValueStoreOptions['onOutage'];
  #db: Promise<Db> | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(path: string, options: FileKeyValueStoreOptions = {}) {
    this.#path = path;
    this.#backoff = new ReopenBackoff(options.reopen);
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 3_600_000;
    this.#mapSize = options.mapSize ?? DEFAULT_MAP_SIZE;
    this.#onOutage = options.onOutage;
  }

  /** False from a failure until an operation succeeds again. Error messages name the path: log them, do not show them to remote callers. */
  get available(): boolean {
    return !this.#backoff.failing;
  }

  get(key: string): Promise<string | undefined> {
    return this.#use('read', async (db) => {
      const stored = db.getBinaryFast(key);
      if (stored === undefined || stored.length < HEADER) return undefined;
      const expiresAt = stored.readDoubleBE(0);
      if (expiresAt !== 0 && expiresAt <= Date.now()) {
        // Removed in a write transaction that checks again: another process may have just set it.
        try {
          removeIfExpired(db, [key]);
        } catch {
          // Left for the sweep; the read's answer stands.
        }
        return undefined;
      }
      return stored.toString('utf8', HEADER);
    });
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.#use('write', async (db) => {
      const stored = encode(value, ttlMs === undefined ? 0 : Date.now() + ttlMs);
      // Synchronous commit: lmdb-js's asynchronous write batches leave a rejected promise nobody
      // can handle when a commit fails (disk full), which would crash the process. Its disk flush
      // (fdatasync) runs on this thread: ~0.3 ms per write back to back, but ~5 ms p50 (tens of ms
      // at p99) for an isolated write on a busy VM disk, measured; callers keep it off the answer's
      // path with WriteBehindKeyValueStore.
      db.putSync(key, stored);
    });
  }

  /** Read, add and write in one write transaction: atomic between the processes sharing the directory. */
  increment(key: string, by: number, ttlMs: number): Promise<number> {
    return this.#use('write', async (db) =>
      // Synchronous for the same reason as `set`.
      db.transactionSync(() => {
        const stored = db.getBinaryFast(key);
        const now = Date.now();
        const live = stored !== undefined && stored.length >= HEADER && !expired(stored, now);
        const value = counterValue(live ? stored.toString('utf8', HEADER) : undefined) + by;
        db.putSync(key, encode(String(value), now + ttlMs));
        return value;
      }),
    );
  }

  /** Remove every expired entry now (normally done by the periodic sweep). Resolves with how many were removed. */
  sweep(): Promise<number> {
    return this.#use('write', (db) => sweepExpired(db));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopSweeping();
    const db = this.#db;
    this.#db = undefined;
    if (db) await (await db.catch(() => undefined))?.close().catch(() => undefined);
  }

  /** Run `operation` on the open database; a failure schedules a reopen. */
  async #use<T>(kind: 'read' | 'write', operation: (db: Db) => Promise<T>): Promise<T> {
    const opening = this.#open(kind);
    const db = await opening;
    try {
      const result = await operation(db);
      this.#backoff.succeeded();
      return result;
    } catch (error) {
      const described = this.#describe(error, 'failed');
      this.#broken(opening, described, kind);
      throw described;
    }
  }

  #open(kind: 'read' | 'write'): Promise<Db> {
    if (this.#db) return this.#db;
    const blocked = this.#backoff.blockedBy;
    if (blocked) return Promise.reject(blocked.error as Error);
    const opening = this.#connect();
    this.#db = opening;
    opening.catch((error: unknown) => this.#broken(opening, error, kind));
    return opening;
  }

  async #connect(): Promise<Db> {
    try {
      // Private to the user: the map holds session ids, the cache whole answers.
      mkdirSync(this.#path, { recursive: true, mode: 0o700 });
      const { open } = await import('lmdb');
      const db = open<Buffer, string>(this.#path, {
        // A directory (data.mdb + lock.mdb), whatever the path looks like.
        noSubdir: false,
        encoding: 'binary',
        mapSize: this.#mapSize,
        // The object cache is per process; another process's writes would not invalidate it.
        cache: false,
      });
      this.#startSweeping(db);
      return db;
    } catch (error) {
      throw this.#describe(error, 'open');
    }
  }

  #describe(error: unknown, what: 'open' | 'failed'): Error {
    if (error instanceof ClaudeCodeConfigurationError) return error;
    const message = (error as Error | undefined)?.message ?? String(error);
    return new ClaudeCodeConfigurationError(
      what === 'open'
        ? `Cannot open the store at ${this.#path}: ${message}. It is tried again shortly.`
        : `The store at ${this.#path} failed: ${message}. It is opened again shortly.`,
      { cause: error },
    );
  }

  #startSweeping(db: Db): void {
    this.#stopSweeping();
    const run = (): void => {
      if (this.#closed) return;
      sweepExpired(db).then(
        () => schedule(this.#sweepIntervalMs),
        () => schedule(this.#sweepIntervalMs),
      );
    };
    const schedule = (ms: number): void => {
      if (this.#closed || this.#db === undefined) return;
      this.#sweepTimer = setTimeout(run, ms);
      // Never what keeps a process alive.
      this.#sweepTimer.unref();
    };
    this.#sweepTimer = setTimeout(run, Math.max(1, Math.round(this.#sweepIntervalMs / 60)));
    this.#sweepTimer.unref();
  }

  #stopSweeping(): void {
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }

  /** Forget the handle `opening` (if still current), close it, and wait before the next try. */
  #broken(opening: Promise<Db>, error: unknown, kind: 'read' | 'write'): void {
    // Several operations failing on the same handle are one failure.
    if (this.#db !== opening) return;
    this.#db = undefined;
    this.#stopSweeping();
    const wasFailing = this.#backoff.failing;
    this.#backoff.failed(error);
    if (!wasFailing) {
      try {
        this.#onOutage?.(error, kind);
      } catch {
        // A reporting callback must not break the store.
      }
    }
    opening.then(
      (db) => db.close().catch(() => undefined),
      () => undefined,
    );
  }
}

/** A stored value: the expiry (epoch ms, 0 = never) then the UTF-8 text. */
function encode(value: string, expiresAt: number): Buffer {
  const body = Buffer.from(value, 'utf8');
  const stored = Buffer.allocUnsafe(HEADER + body.length);
  stored.writeDoubleBE(expiresAt, 0);
  body.copy(stored, HEADER);
  return stored;
}

function expired(stored: Buffer, now: number): boolean {
  const expiresAt = stored.readDoubleBE(0);
  return expiresAt !== 0 && expiresAt <= now;
}

/**
 * Remove those of `keys` whose entries are expired at commit time (checked inside the write
 * transaction). Synchronous for the same reason as `set`.
 */
function removeIfExpired(db: Db, keys: readonly string[]): number {
  return db.transactionSync(() => {
    let removed = 0;
    const now = Date.now();
    for (const key of keys) {
      const stored = db.getBinaryFast(key);
      if (stored === undefined) continue;
      const expiresAt = stored.length < HEADER ? 1 : stored.readDoubleBE(0);
      if (expiresAt !== 0 && expiresAt <= now) {
        db.removeSync(key);
        removed += 1;
      }
    }
    return removed;
  });
}

/** Walk every entry, SWEEP_CHUNK per event-loop turn, and remove the expired ones. */
async function sweepExpired(db: Db): Promise<number> {
  let removed = 0;
  let after: string | undefined;
  for (;;) {
    const now = Date.now();
    const expired: string[] = [];
    let seen = 0;
    let last: string | undefined;
    for (const { key, value } of db.getRange({
      ...(after === undefined ? {} : { start: after }),
      limit: SWEEP_CHUNK + 1,
    })) {
      if (key === after) continue;
      seen += 1;
      last = key;
      const expiresAt = value.length < HEADER ? 1 : value.readDoubleBE(0);
      if (expiresAt !== 0 && expiresAt <= now) expired.push(key);
      if (seen >= SWEEP_CHUNK) break;
    }
    if (expired.length > 0) removed += removeIfExpired(db, expired);
    if (seen < SWEEP_CHUNK || last === undefined) return removed;
    after = last;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
