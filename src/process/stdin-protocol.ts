/**
 * @module
 * Lines the wrapper writes to the CLI's stdin (`--input-format stream-json`).
 */
import { randomUUID } from 'node:crypto';
import type { CliMessage } from '../core/cli-message.js';
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

/** A successful answer to a control request the CLI sent (e.g. `mcp_message`). */
export function controlSuccessLine(
  requestId: string,
  response: Record<string, unknown>,
): Record<string, unknown> {
  return { type: 'control_response', response: { subtype: 'success', request_id: requestId, response } };
}

/**
 * Control requests the wrapper sent and is waiting on, settled by the CLI's `control_response`
 * lines (matched by `request_id`).
 */
export class PendingControlRequests {
  readonly #pending = new Map<
    string,
    { resolve(response: Record<string, unknown>): void; reject(error: Error): void }
  >();

  /**
   * Write a control request through `send` and resolve with the CLI's `response` payload.
   * @throws Error when it cannot be sent, the CLI answers with an error, or {@link rejectAll} runs.
   */
  send(
    send: (line: Record<string, unknown>) => boolean,
    subtype: string,
    fields: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const { line, requestId } = controlRequestLine(subtype, fields);
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject });
      if (!send(line)) {
        this.#pending.delete(requestId);
        reject(new Error('the CLI is not running'));
      }
    });
  }

  /** Settle the request `message` answers. False when it answers none of ours. */
  settle(message: CliMessage): boolean {
    const body = message['response'] as
      { request_id?: unknown; subtype?: unknown; response?: unknown; error?: unknown } | undefined;
    const requestId = typeof body?.request_id === 'string' ? body.request_id : undefined;
    const request = requestId === undefined ? undefined : this.#pending.get(requestId);
    if (requestId === undefined || request === undefined) return false;
    this.#pending.delete(requestId);
    if (body?.subtype === 'success') {
      const payload = body.response;
      request.resolve(
        typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {},
      );
    } else {
      request.reject(new Error(typeof body?.error === 'string' ? body.error : 'control request failed'));
    }
    return true;
  }

  /** Reject every request still waiting (the turn ended). */
  rejectAll(error: Error): void {
    for (const request of this.#pending.values()) request.reject(error);
    this.#pending.clear();
  }
}
