/**
 * @module
 * Refuses the body types an HTML form or a no-preflight `fetch` can send (`text/plain`,
 * `multipart/form-data`): no API client sends JSON as those, and refusing them closes the classic
 * cross-site JSON POST even in a browser that leaves out `Origin`. A missing type and
 * `application/x-www-form-urlencoded` (what `curl -d` sends) are still read as JSON.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../http-problem.js';

const REFUSED = new Set(['text/plain', 'multipart/form-data']);

/** 415 for a POST whose `Content-Type` is `text/plain` or `multipart/form-data`. */
export function jsonContentType(): MiddlewareHandler {
  return async function jsonContentTypeMiddleware(c, next) {
    if (c.req.method === 'POST') {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== undefined && REFUSED.has(type)) {
        throw new HttpProblem(
          415,
          'invalid_request_error',
          `Content-Type ${type} is not accepted: send the JSON body as application/json.`,
        );
      }
    }
    return next();
  };
}
