/**
 * @module
 * A failure raised by the HTTP layer itself (auth, limits, bad JSON, unknown route): a plain
 * status/type/message carrier. It is a compat {@link ProblemLike}, so each API's one error mapper
 * (`anthropicErrorResponse`, `openaiErrorResponse`) turns it into that API's body and headers, and
 * middleware never builds JSON by hand.
 */
import { markProblem, type ProblemLike, type ProblemType } from '../compat/problem.js';

export type { ProblemType } from '../compat/problem.js';

/** An HTTP-level failure with status, API-neutral error type and extra headers. */
export class HttpProblem extends Error implements ProblemLike {
  readonly status: number;
  readonly type: ProblemType;
  /** Headers other than `retry-after` (e.g. `allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;
  /** Seconds before a retry makes sense (rate limit, queue full); the mappers send it as `retry-after`. */
  readonly retryAfterSeconds: number | undefined;

  /**
   * @param headers - extra response headers; a `retry-after` given here becomes
   *   {@link retryAfterSeconds} (the mappers decide the header itself)
   */
  constructor(status: number, type: ProblemType, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = type;
    const rest: Record<string, string> = {};
    let retryAfter: number | undefined;
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'retry-after') retryAfter = Number(value);
      else rest[name] = value;
    }
    this.headers = rest;
    this.retryAfterSeconds = retryAfter !== undefined && Number.isFinite(retryAfter) ? retryAfter : undefined;
    markProblem(this);
  }
}
