/**
 * @module
 * The `model` field of every wire API: a model alias or id as the library accepts it
 * (`MODEL_NAME`), checked at validation so a bad name is a 400 naming the field on every route,
 * `count_tokens` included, and never reaches the CLI's argv or a response body.
 */
import { z } from 'zod';
import { MODEL_NAME } from '../core/config/schema.js';

/** zod schema of a request's `model`. */
export const modelName = z
  .string()
  .min(1)
  .max(128, 'must be at most 128 characters')
  .regex(MODEL_NAME, 'must be a model alias or id (letters, digits and ._:@/[]-)');
