/**
 * @module
 * Bounded concurrency for CLI runs (cockatiel bulkhead): at most `maxConcurrent` at once, up to
 * `maxQueue` waiting; beyond that the caller gets 529 `overloaded_error` (OpenAI: 503) with
 * `retry-after`, which both official SDKs retry. A queued request whose client goes away leaves the
 * queue at once.
 */
import { bulkhead, isBulkheadRejectedError, isTaskCancelledError } from 'cockatiel';
import { QueuedBulkhead } from '../../resilience/queued-execute.js';
import { ClaudeCodeAbortError } from '../../core/errors/index.js';
import { HttpProblem } from '../http-problem.js';

/** A concurrency gate shared by all routes that start CLI runs. */
export class ConcurrencyGate {
  readonly #policy: QueuedBulkhead;
  readonly #retryAfterSeconds: number;
  readonly #maxConcurrent: number;

  constructor(maxConcurrent: number, maxQueue: number, retryAfterSeconds = 2) {
    this.#policy = new QueuedBulkhead(bulkhead(maxConcurrent, maxQueue));
    this.#maxConcurrent = maxConcurrent;
    this.#retryAfterSeconds = retryAfterSeconds;
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
   * @throws {@link HttpProblem} 529 when the queue is full; {@link ClaudeCodeAbortError} if aborted while queued.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise<() => void>((resolve, reject) => {
      this.#policy
        .execute(() => new Promise<void>((release) => resolve(once(release))), signal)
        .catch((error: unknown) => {
          if (isBulkheadRejectedError(error)) {
            reject(
              new HttpProblem(
                529,
                'overloaded_error',
                'The proxy is at capacity (all CLI slots and the queue are full); retry shortly.',
                {
                  'retry-after': String(this.#retryAfterSeconds),
                },
              ),
            );
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
