/**
 * @module
 * Function-call `arguments` (JSON text, as both OpenAI APIs carry them) → the Anthropic `tool_use`
 * input object, with a 400 naming the field when they are not a JSON object.
 */
import { invalidRequest } from './errors.js';

/** Parse `json` as a function call's arguments; `param` names the field in the error. */
export function parseFunctionArguments(json: string, param: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalidRequest(
      `Invalid value for '${param}': expected a JSON object, received invalid JSON.`,
      param,
      'invalid_value',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`Invalid value for '${param}': expected a JSON object.`, param, 'invalid_value');
  }
  return value as Record<string, unknown>;
}
