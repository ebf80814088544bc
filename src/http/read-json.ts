/**
 * @module
 * Reading a JSON request body with an API-shaped error for malformed JSON.
 */
import type { Context } from 'hono';
import { HttpProblem } from './http-problem.js';

/** Parse the body as JSON; 400 `invalid_request_error` when it is not. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '')
    throw new HttpProblem(400, 'invalid_request_error', 'Request body is empty; expected a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpProblem(
      400,
      'invalid_request_error',
      `Request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
