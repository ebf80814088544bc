/**
 * @module
 * The embedded, restart-surviving session store: an append-only JSON-lines file, loaded into memory
 * at start and compacted when it grows to twice its live size. One small file, no native module; a
 * single server process owns it (use Redis for several).
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SessionStore } from './session-store.js';

/** Options of {@link FileSessionStore}. */
export interface FileSessionStoreOptions {
  /** Entries kept; the oldest are dropped first. @default 100000 */
  readonly maxEntries?: number;
  /** Entries older than this are ignored. @unit milliseconds @default 30 days */
  readonly ttlMs?: number;
}

interface Entry {
  readonly k: string;
  readonly s: string;
  readonly t: number;
}

/** Conversation-prefix → session id map persisted to a JSONL file. */
export class FileSessionStore implements SessionStore {
  readonly #path: string;
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, Entry>();
  #lines = 0;

  constructor(
    path: string,
    { maxEntries = 100_000, ttlMs = 30 * 24 * 3600 * 1000 }: FileSessionStoreOptions = {},
  ) {
    this.#path = path;
    this.#maxEntries = maxEntries;
    this.#ttlMs = ttlMs;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#load();
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.t > this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.s;
  }

  async set(key: string, sessionId: string): Promise<void> {
    const entry: Entry = { k: key, s: sessionId, t: Date.now() };
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    // Synchronous append: a crash right after `set` must not lose the mapping.
    appendFileSync(this.#path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    this.#lines += 1;
    if (this.#lines > 2 * this.#entries.size + 1000) this.#compact();
  }

  async close(): Promise<void> {
    // Nothing buffered: every set is already on disk.
  }

  #load(): void {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      return;
    }
    const now = Date.now();
    for (const line of text.split('\n')) {
      if (!line) continue;
      this.#lines += 1;
      try {
        const entry = JSON.parse(line) as Entry;
        if (typeof entry.k !== 'string' || typeof entry.s !== 'string' || now - entry.t > this.#ttlMs)
          continue;
        this.#entries.delete(entry.k);
        this.#entries.set(entry.k, entry);
      } catch {
        // A torn last line after a crash: skip it.
      }
    }
  }

  #compact(): void {
    const temp = `${this.#path}.tmp`;
    writeFileSync(temp, [...this.#entries.values()].map((e) => `${JSON.stringify(e)}\n`).join(''), {
      mode: 0o600,
    });
    renameSync(temp, this.#path);
    this.#lines = this.#entries.size;
  }
}
