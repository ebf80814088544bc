/**
 * @module
 * Refuses the body types an HTML form or a no-preflight `fetch` can send (`text/plain`,
 * `multipart/form-data`, `application/x-www-form-urlencoded`): no API client sends JSON as those,
 * and refusing them closes the classic cross-site JSON POST (a `no-cors` fetch sends any raw body
 * under those types) even in a browser that leaves out `Origin`. A missing type is still read as
 * JSON; `curl -d` users add `-H 'content-type: application/json'`, as the message says.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../http-problem.js';

const REFUSED = new Set(['text/plain', 'multipart/form-data', 'application/x-www-form-urlencoded']);

/** 415 for a POST whose `Content-Type` is one a browser sends without a CORS preflight. */
export function jsonContentType(): MiddlewareHandler {
  return async function jsonContentTypeMiddleware(c, next) {
    if (c.req.method === 'POST') {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== undefined && REFUSED.has(type)) {
        throw new HttpProblem(
          415,
          'invalid_request_error',
          `Content-Type ${type} is not accepted: send the JSON body as application/json (with curl: -H 'content-type: application/json').`,
        );
      }
    }
    return next();
  };
}
