/**
 * @module
 * A request refused because its API key reached one of its limits. The HTTP layer answers it with
 * 429 `rate_limit_error` and `retry-after` (each wire API in its own error shape).
 */

/** The limits of a key, by their configuration names. */
export type KeyLimitName = 'requestsPerMinute' | 'maxConcurrent' | 'dailyUsd' | 'monthlyUsd';

const brand = Symbol.for('claude-code-wrapper.key-limit-error');

/** See the module comment. The message names the limit and the key's name, never the key. */
export class KeyLimitError extends Error {
  /** The limit that was reached. */
  readonly limit: KeyLimitName;
  /** Seconds until the limit frees up: the end of the minute, day or month; 1 for concurrency. */
  readonly retryAfterSeconds: number;
  /**
   * A spend budget: nothing changes before the day or month ends, so clients should not retry
   * within seconds (the HTTP layer adds `x-should-retry: false`).
   */
  readonly exhausted: boolean;

  constructor(limit: KeyLimitName, message: string, retryAfterSeconds: number) {
    super(message);
    this.name = 'KeyLimitError';
    this.limit = limit;
    this.retryAfterSeconds = retryAfterSeconds;
    this.exhausted = limit === 'dailyUsd' || limit === 'monthlyUsd';
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for a {@link KeyLimitError}, even from another copy of the package. */
  static isInstance(value: unknown): value is KeyLimitError {
    return typeof value === 'object' && value !== null && brand in value;
  }
}
