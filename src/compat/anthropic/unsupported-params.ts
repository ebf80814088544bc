/**
 * @module
 * Which request parameters the Claude Code CLI cannot honour. The policy for them (warn or reject)
 * lives in `translate-request.ts`; the field-level rules in `request-fields.ts`; this file finds
 * them, adding the value-level cases (a thinking budget, fast mode).
 */
import { findUnsupportedFields, type UnsupportedParam } from '../request-fields.js';
import { MESSAGES_REQUEST_FIELDS } from './request-fields.js';
import type { MessagesRequest } from './request-schema.js';

export type { UnsupportedParam } from '../request-fields.js';

/**
 * List the parameters of `request` the CLI cannot honour: ignored and unknown top-level fields in
 * the body's order, then a requested thinking budget and fast mode. `tools` and `tool_choice` are
 * judged by `client-tools.ts` (client tools are supported; server tools are not).
 */
export function findUnsupportedParams(request: MessagesRequest): UnsupportedParam[] {
  const found = [...findUnsupportedFields(request, MESSAGES_REQUEST_FIELDS).ignored];
  if (request.thinking?.type === 'enabled') {
    found.push({
      field: 'thinking.budget_tokens',
      problem: 'the CLI sets its own thinking budget; the requested budget is not applied',
    });
  }
  if (request.speed === 'fast')
    found.push({ field: 'speed', problem: 'fast mode is not supported through this API' });
  return found;
}
