/**
 * @module
 * A promise with its settle functions outside, for results that a generator produces along the way.
 */

/** A promise settled from outside. Rejections are pre-handled: callers may never await it. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  #settled = false;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Callers that only iterate the stream must not get an unhandled rejection.
    this.promise.catch(() => {});
  }

  /** Whether resolve or reject was called. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Fulfil the promise (ignored once settled). */
  resolve(value: T): void {
    this.#settled = true;
    this.#resolve(value);
  }

  /** Reject the promise (ignored once settled). */
  reject(error: unknown): void {
    this.#settled = true;
    this.#reject(error);
  }
}
