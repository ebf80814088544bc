/**
 * @module
 * Recent concurrency of one launch configuration: requests in flight now, and the most that were in
 * flight at once within the last window. The warm pool sizes itself by that peak, so a burst of
 * four finds four processes next time, and a quiet configuration shrinks back once the window has
 * passed.
 *
 * The peak is a sliding maximum over two half-window buckets (the current one and the one before),
 * which needs no per-request history: it forgets a burst between one half and one whole window
 * after it ended.
 */

/** In-flight count and recent peak of one configuration. */
export class PoolDemand {
  readonly #windowMs: number;
  readonly #now: () => number;
  #inFlight = 0;
  #bucketStart: number;
  #current = 0;
  #previous = 0;

  /**
   * @param windowMs How long a peak is remembered (at least half of it, at most all of it).
   * @param now Clock (tests). @default Date.now
   */
  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
    this.#bucketStart = now();
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most requests in flight at once within the window (at least those in flight now). */
  get peak(): number {
    this.#rotate();
    return Math.max(this.#current, this.#previous, this.#inFlight);
  }

  /** A request started. */
  start(): void {
    this.#rotate();
    this.#inFlight += 1;
    this.#current = Math.max(this.#current, this.#inFlight);
  }

  /** A request ended (never below zero). */
  end(): void {
    this.#rotate();
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  #rotate(): void {
    const half = this.#windowMs / 2;
    const elapsed = this.#now() - this.#bucketStart;
    if (elapsed < half) return;
    // One half passed: the current bucket becomes the previous one; two or more: both are stale.
    this.#previous = elapsed < 2 * half ? this.#current : this.#inFlight;
    this.#current = this.#inFlight;
    this.#bucketStart += Math.floor(elapsed / half) * half;
  }
}
