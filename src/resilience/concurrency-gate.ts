/**
 * @module
 * Bounded concurrency for the proxy's runs (cockatiel bulkhead): at most `maxConcurrent` at once, up
 * to `maxQueue` waiting; beyond that {@link ClaudeCodeQueueFullError}, which the wire layers map to
 * 529 `overloaded_error` (OpenAI: 503) with `retry-after`, which both official SDKs retry. A queued
 * request whose caller goes away leaves the queue at once. The gateway takes and releases the slot.
 *
 * A slot can be parked ({@link ConcurrencyGate.park}): its holder (a CLI run suspended on client
 * tool calls, idle until the caller's results come) keeps it only while nobody else needs it. A
 * request that finds no free slot takes the oldest parked one instead of waiting, and its holder is
 * told it lost it; so idle runs count toward `maxConcurrent` (which bounds CLI processes) without
 * ever making a request wait.
 */
import { bulkhead, isBulkheadRejectedError, isTaskCancelledError } from 'cockatiel';
import { ClaudeCodeAbortError, ClaudeCodeQueueFullError } from '../core/errors/index.js';
import { QueuedBulkhead } from './queued-execute.js';

/** A parked slot, see {@link ConcurrencyGate.park}. */
export interface ParkedSlot {
  /**
   * Take the slot back from the parking: its release function (the caller holds the slot again),
   * or undefined when it was given to another request.
   */
  resume(): (() => void) | undefined;
}

interface Parking {
  readonly release: () => void;
  readonly onTaken: () => void;
}

/** A concurrency gate shared by every request that starts CLI runs. */
export class ConcurrencyGate {
  readonly #policy: QueuedBulkhead;
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  /** Parked slots, oldest first. */
  readonly #parked: Parking[] = [];

  constructor(maxConcurrent: number, maxQueue: number) {
    this.#policy = new QueuedBulkhead(bulkhead(maxConcurrent, maxQueue));
    this.#maxConcurrent = maxConcurrent;
    this.#maxQueue = maxQueue;
  }

  /** Requests executing now (parked slots not included). */
  get active(): number {
    return this.#maxConcurrent - this.#policy.executionSlots - this.#parked.length;
  }

  /** Slots held by parked holders (runs waiting for client tool results). */
  get parked(): number {
    return this.#parked.length;
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
    if (this.#policy.executionSlots <= 0 && signal?.aborted !== true) {
      // No free slot: the oldest parked one changes hands rather than this request waiting.
      const oldest = this.#parked.shift();
      if (oldest !== undefined) {
        oldest.onTaken();
        return Promise.resolve(oldest.release);
      }
    }
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

  /**
   * Park a slot (its `release` from {@link acquire}) while its holder is idle. Until the holder
   * resumes it, the next request that would otherwise wait takes it, and `onTaken` is called (the
   * holder must stop using what the slot bounds, and must not release the slot).
   * @returns the parked slot, or undefined when requests are waiting already: then the slot is not
   * the holder's to keep, and it should release it now.
   */
  park(release: () => void, onTaken: () => void): ParkedSlot | undefined {
    if (this.#policy.waiting > 0) return undefined;
    const parking: Parking = { release, onTaken };
    this.#parked.push(parking);
    return {
      resume: () => {
        const index = this.#parked.indexOf(parking);
        if (index < 0) return undefined;
        this.#parked.splice(index, 1);
        return release;
      },
    };
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
