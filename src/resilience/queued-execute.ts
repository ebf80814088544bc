/**
 * @module
 * Run a function under a cockatiel bulkhead so that a caller whose signal aborts while queued leaves
 * at once. (cockatiel drops an aborted entry only when its turn comes; until then the caller would
 * wait.) Also keeps an accurate count of callers actually waiting.
 */
import type { BulkheadPolicy } from 'cockatiel';
import { ClaudeCodeAbortError } from '../core/errors/index.js';

/** A bulkhead plus the number of callers waiting in it. */
export class QueuedBulkhead {
  readonly #bulkhead: BulkheadPolicy;
  #waiting = 0;

  constructor(bulkhead: BulkheadPolicy) {
    this.#bulkhead = bulkhead;
  }

  /** Callers waiting for a slot (aborted ones excluded). */
  get waiting(): number {
    return this.#waiting;
  }

  /** Free execution slots. */
  get executionSlots(): number {
    return this.#bulkhead.executionSlots;
  }

  /** Run `fn` in a slot; rejects at once with {@link ClaudeCodeAbortError} if `signal` aborts while queued. */
  execute<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const queued = this.#bulkhead.executionSlots <= 0;
    if (!queued || !signal) return this.#bulkhead.execute(fn, signal);
    this.#waiting += 1;
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      this.#waiting -= 1;
    };
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        leave();
        reject(new ClaudeCodeAbortError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#bulkhead
        .execute(() => {
          leave();
          signal.removeEventListener('abort', onAbort);
          return fn();
        }, signal)
        .then(resolve, (error: unknown) => {
          leave();
          signal.removeEventListener('abort', onAbort);
          reject(error);
        });
    });
  }
}
