/**
 * @module
 * A {@link KeyValueStore} that takes writes off the caller's path. Remembering a conversation's
 * session after an answer is bookkeeping for the NEXT request; awaiting the store (an LMDB commit
 * with its disk flush, or a Redis round trip) before sending the answer would delay every answer
 * by that much. Here `set` returns at once, the write runs behind, and until it lands `get`
 * answers from memory, so a follow-up request served by this process always sees the value. `close` waits for the writes still running. The write starts
 * on the next turn of the event loop, so even its synchronous part (encoding, the native call) is
 * not in front of the answer.
 */
import type { KeyValueStore } from './key-value-store.js';

/** Options of {@link WriteBehindKeyValueStore}. */
export interface WriteBehindOptions {
  /** Hears about a write that failed (the value is then forgotten, as if never set). */
  readonly onWriteError?: ((error: unknown, key: string) => void) | undefined;
}

interface PendingWrite {
  readonly value: string;
  readonly expiresAt: number;
}

/** Writes return immediately; reads see them at once; the backing store catches up behind. */
export class WriteBehindKeyValueStore implements KeyValueStore {
  readonly #inner: KeyValueStore;
  readonly #onWriteError: WriteBehindOptions['onWriteError'];
  /** Latest value per key whose write has not landed yet. */
  readonly #pending = new Map<string, PendingWrite>();
  readonly #writes = new Set<Promise<void>>();

  constructor(inner: KeyValueStore, options: WriteBehindOptions = {}) {
    this.#inner = inner;
    this.#onWriteError = options.onWriteError;
  }

  /** The backing store's health (see {@link KeyValueStore.available}). */
  get available(): boolean | undefined {
    return this.#inner.available;
  }

  /** Writes started and not yet landed (or failed). */
  get pendingWrites(): number {
    return this.#writes.size;
  }

  get(key: string): Promise<string | undefined> {
    const pending = this.#pending.get(key);
    if (pending === undefined) return this.#inner.get(key);
    return Promise.resolve(pending.expiresAt > Date.now() ? pending.value : undefined);
  }

  /** Start the write and resolve at once; a failure goes to `onWriteError`, never to the caller. */
  set(key: string, value: string, ttlMs?: number): Promise<void> {
    const entry: PendingWrite = { value, expiresAt: ttlMs === undefined ? Infinity : Date.now() + ttlMs };
    this.#pending.set(key, entry);
    // Started on the next turn of the event loop, after the answer that triggered it went out.
    const write: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#inner.set(key, value, ttlMs))
      .then(
        () => this.#landed(key, entry, write),
        (error: unknown) => {
          this.#landed(key, entry, write);
          this.#onWriteError?.(error, key);
        },
      );
    this.#writes.add(write);
    return Promise.resolve();
  }

  /** Wait for the writes still running, then close the backing store. */
  async close(): Promise<void> {
    await Promise.all(this.#writes);
    await this.#inner.close();
  }

  #landed(key: string, entry: PendingWrite, write: Promise<void>): void {
    this.#writes.delete(write);
    // A newer set of the same key keeps its own entry until its own write lands.
    if (this.#pending.get(key) === entry) this.#pending.delete(key);
  }
}
