/**
 * @module
 * Errors become HTTP responses here, through each API's one mapper: `openaiErrorResponse` for
 * requests that get OpenAI's error shape (see `openai-paths.ts`), `anthropicErrorResponse` for the
 * rest. Status, body and headers (`retry-after` included) all come from the mapper.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { anthropicErrorResponse } from '../compat/anthropic/errors.js';
import { openaiErrorResponse } from '../compat/openai/errors.js';
import { classifyError } from '../compat/problem.js';
import type { WrapperLogger } from '../observability/logger.js';
import { HttpProblem } from './http-problem.js';
import { errorApiFor } from './openai-paths.js';

/** Build the API-shaped error response for `error`. */
export function errorResponse(c: Context, error: unknown, logger: WrapperLogger): Response {
  const requestId = c.get('requestId') as string | undefined;
  const openai = errorApiFor(c.req.path, c.req.header('anthropic-version') !== undefined) === 'openai';
  const { status, body, headers } = openai
    ? openaiErrorResponse(error)
    : anthropicErrorResponse(error, { requestId });
  const { type, message } = body.error;
  noteProblem(c, error, status);
  if (status >= 500) logger.error({ event: 'http_error', requestId, status, err: error }, 'request failed');
  else logger.info({ event: 'http_error', requestId, status, type }, message);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(body, status as ContentfulStatusCode);
}

/**
 * Record on `c` that its answer is `error` (the access log counts it by type). `status`: the one
 * sent, when the answer has a status line of its own; else the one the error maps to.
 */
export function noteProblem(c: Context, error: unknown, status?: number): void {
  const classified = classifyError(error);
  c.set('problem', { type: classified.type, status: status ?? classified.status });
}

/** A route as hono lists it in `app.routes`. */
export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

/**
 * The problem for a request no route answered: 405 with `allow` when the path has routes for
 * other methods, 404 otherwise.
 */
export function noRouteProblem(routes: readonly RouteEntry[], method: string, path: string): HttpProblem {
  const allowed = new Set<string>();
  for (const route of routes) {
    // Middleware is mounted for ALL methods; only real routes say which methods a path has.
    if (route.method === 'ALL' || !matches(route.path, path)) continue;
    allowed.add(route.method);
    if (route.method === 'GET') allowed.add('HEAD');
  }
  if (allowed.size > 0 && !allowed.has(method)) {
    const allow = [...allowed].sort().join(', ');
    return new HttpProblem(
      405,
      'invalid_request_error',
      `Method ${method} is not allowed for ${path}; use ${allow}.`,
      { allow },
    );
  }
  return new HttpProblem(404, 'not_found_error', `No route for ${method} ${path}`);
}

function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const have = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] ?? '';
    if (segment === '*') return true;
    const actual = have[i];
    if (actual === undefined) return false;
    if (segment.startsWith(':') ? actual === '' : segment !== actual) return false;
  }
  return want.length === have.length;
}
