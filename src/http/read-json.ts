/**
 * @module
 * Reading a JSON request body with an API-shaped error for malformed or too deeply nested JSON.
 */
import type { Context } from 'hono';
import { HttpProblem } from './http-problem.js';
import { MAX_JSON_DEPTH } from '../core/json-depth.js';
import { findExcessNesting } from './json-depth.js';

/**
 * Parse the body as JSON; 400 `invalid_request_error` when it is not JSON or nests deeper than
 * {@link MAX_JSON_DEPTH} levels (checked before parsing, so a hostile body costs one linear scan).
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '')
    throw new HttpProblem(400, 'invalid_request_error', 'Request body is empty; expected a JSON object.');
  const excess = findExcessNesting(text, MAX_JSON_DEPTH);
  if (excess >= 0) {
    throw new HttpProblem(
      400,
      'invalid_request_error',
      `Request body nests objects/arrays more than ${MAX_JSON_DEPTH} levels deep (at character ${excess}); flatten the structure (e.g. the tool's input_schema).`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpProblem(
      400,
      'invalid_request_error',
      `Request body is not valid JSON: ${capText((error as Error).message, 200)}`,
    );
  }
}

function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
