/**
 * @module
 * Thrown by a {@link QueueWorker} handler for an item that may not run yet (a limit that frees at a
 * known time, such as a key's spent daily budget): the item waits in the queue's delayed set until
 * then instead of failing, and does not use up one of its attempts.
 */

/** See the module comment. */
export class ItemDeferred extends Error {
  /** When the item may run again. @unit epoch milliseconds */
  readonly untilMs: number;

  constructor(message: string, untilMs: number) {
    super(message);
    this.name = 'ItemDeferred';
    this.untilMs = untilMs;
  }
}
