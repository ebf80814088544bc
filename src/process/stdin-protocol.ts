/**
 * @module
 * Lines the wrapper writes to the CLI's stdin (`--input-format stream-json`).
 */
import { randomUUID } from 'node:crypto';
import type { Prompt } from '../core/prompt.js';

/** A user turn, in the shape the official SDK writes. */
export function userMessageLine(prompt: Prompt): Record<string, unknown> {
  const content = typeof prompt === 'string' ? [{ type: 'text', text: prompt }] : prompt;
  return {
    type: 'user',
    session_id: '',
    message: { role: 'user', content },
    parent_tool_use_id: null,
  };
}

/** A control request (`interrupt`, `initialize`, ...), with a fresh request id. */
export function controlRequestLine(
  subtype: string,
  fields: Record<string, unknown> = {},
): {
  line: Record<string, unknown>;
  requestId: string;
} {
  const requestId = `ccw-${randomUUID()}`;
  return {
    line: { type: 'control_request', request_id: requestId, request: { subtype, ...fields } },
    requestId,
  };
}
