/**
 * @module
 * A point in a CLI session: the session id, and the message up to which it holds the conversation.
 * A session that went on in a live process (conversation affinity) holds later turns too, so an
 * earlier prefix of it is resumed with `--resume-session-at <message uuid>`.
 *
 * Stored as one string in the conversation map: `<session id>` or `<session id>@<message uuid>`
 * (entries written before message uuids were stored are plain session ids).
 */

/** See the module comment. */
export interface SessionPoint {
  readonly sessionId: string;
  /** The uuid of the last message of the conversation in the session (an assistant message). */
  readonly atMessage?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stored form of `point`. */
export function encodeSessionPoint(point: SessionPoint): string {
  return point.atMessage === undefined ? point.sessionId : `${point.sessionId}@${point.atMessage}`;
}

/**
 * The point a stored value names. A value without a valid `@<message uuid>` suffix is a plain
 * session id (validated, like any session id, before it reaches the CLI's argv).
 */
export function decodeSessionPoint(value: string): SessionPoint {
  const at = value.lastIndexOf('@');
  const atMessage = at > 0 ? value.slice(at + 1) : '';
  return UUID.test(atMessage) ? { sessionId: value.slice(0, at), atMessage } : { sessionId: value };
}

/**
 * The uuid of the last assistant message among a run's CLI messages: where the answered
 * conversation ends in its session. Undefined when the CLI reported none.
 */
export function lastAssistantUuid(messages: readonly { readonly type: string }[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as { type: string; uuid?: unknown };
    if (message.type === 'assistant' && typeof message.uuid === 'string' && UUID.test(message.uuid)) {
      return message.uuid;
    }
  }
  return undefined;
}
