/**
 * @module
 * When to try a broken store again. A store that failed (disk full, directory missing, another
 * process holding the lock) must not stay broken once the cause is gone, yet retrying on every
 * request would put a failing disk operation in front of each one. So a failure closes the door
 * for a while, doubling from `initialMs` up to `maxMs`, and the first use after that tries again.
 */

/** Options of {@link ReopenBackoff}. */
export interface ReopenBackoffOptions {
  /** Wait after the first failure. @unit milliseconds @default 1000 */
  readonly initialMs?: number | undefined;
  /** Longest wait between tries. @unit milliseconds @default 30000 */
  readonly maxMs?: number | undefined;
  /** Clock, for tests. */
  readonly now?: (() => number) | undefined;
}

/** Tracks failures of one resource and says whether it may be tried again yet. */
export class ReopenBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;
  #failures = 0;
  #retryAt = 0;
  #lastError: unknown;

  constructor({ initialMs = 1000, maxMs = 30_000, now = Date.now }: ReopenBackoffOptions = {}) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#now = now;
  }

  /** True after a failure that no success has followed yet. */
  get failing(): boolean {
    return this.#failures > 0;
  }

  /** The error to answer with instead of trying, while the wait after a failure lasts. */
  get blockedBy(): { error: unknown } | undefined {
    return this.#failures > 0 && this.#now() < this.#retryAt ? { error: this.#lastError } : undefined;
  }

  /** Record a failure: the next try waits longer than the last. */
  failed(error: unknown): void {
    const wait = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#failures, 20));
    this.#failures += 1;
    this.#retryAt = this.#now() + wait;
    this.#lastError = error;
  }

  /** Record a success: the resource is healthy again. */
  succeeded(): void {
    this.#failures = 0;
    this.#retryAt = 0;
    this.#lastError = undefined;
  }
}
