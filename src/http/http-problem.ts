/**
 * @module
 * A failure raised by the HTTP layer itself (auth, limits, bad JSON). Each API's error handler turns
 * it into that API's error body, so middleware never builds JSON by hand.
 */

/** Anthropic error types the HTTP layer raises (mapped to OpenAI types by the OpenAI handler). */
export type ProblemType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'overloaded_error'
  | 'api_error';

/** An HTTP-level failure with status, API error type and extra headers (e.g. `retry-after`). */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: ProblemType;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, type: ProblemType, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}
