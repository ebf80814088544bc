/**
 * @module
 * Bounded concurrency for the proxy's runs (cockatiel bulkhead): at most `maxConcurrent` at once, up
 * to `maxQueue` waiting; beyond that {@link ClaudeCodeQueueFullError}, which the wire layers map to
 * 529 `overloaded_error` (OpenAI: 503) with `retry-after`, which both official SDKs retry. A queued
 * request whose caller goes away leaves the queue at once. The gateway takes and releases the slot.
 */
import { bulkhead, isBulkheadRejectedError, isTaskCancelledError } from 'cockatiel';
import { ClaudeCodeAbortError, ClaudeCodeQueueFullError } from '../core/errors/index.js';
import { QueuedBulkhead } from './queued-execute.js';

/** A concurrency gate shared by every request that starts CLI runs. */
export class ConcurrencyGate {
  readonly #policy: QueuedBulkhead;
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;

  constructor(maxConcurrent: number, maxQueue: number) {
    this.#policy = new QueuedBulkhead(bulkhead(maxConcurrent, maxQueue));
    this.#maxConcurrent = maxConcurrent;
    this.#maxQueue = maxQueue;
  }

  /** Runs executing now. */
  get active(): number {
    return this.#maxConcurrent - this.#policy.executionSlots;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#policy.waiting;
  }

  /**
   * Wait for a slot. Resolves with a release function that MUST be called when the run ends
   * (including the end of a stream).
   * @throws {@link ClaudeCodeQueueFullError} when the queue is full; {@link ClaudeCodeAbortError} if aborted while queued.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise<() => void>((resolve, reject) => {
      this.#policy
        .execute(() => new Promise<void>((release) => resolve(once(release))), signal)
        .catch((error: unknown) => {
          if (isBulkheadRejectedError(error)) {
            reject(new ClaudeCodeQueueFullError(this.#maxConcurrent, this.#maxQueue));
          } else if (isTaskCancelledError(error) || ClaudeCodeAbortError.isInstance(error)) {
            reject(new ClaudeCodeAbortError('client went away while queued'));
          } else {
            reject(error);
          }
        });
    });
  }
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}
