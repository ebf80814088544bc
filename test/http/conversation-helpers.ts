/**
 * Conversations through the proxy for the HTTP tests: ask with a history, grow it by the answer.
 */
import type { Harness } from './server-harness.js';

/** The model the helpers ask for. */
export const MODEL = 'claude-sonnet-5-5';

export type Message = { role: 'user' | 'assistant'; content: string };

/** What a `/v1/messages` answer says, for these tests. */
export interface Answer {
  readonly status: number;
  readonly text: string;
  /** `x-claude-code-context`: new, continued, resumed, synthesized... */
  readonly context: string | null;
  readonly sessionId: string | null;
}

/** Send `messages` (and any `extra` body fields) to the harness's `/v1/messages`. */
export async function ask(
  h: Harness,
  messages: Message[],
  extra: Record<string, unknown> = {},
): Promise<Answer> {
  const response = await fetch(`${h.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: MODEL, max_tokens: 100, messages, ...extra }),
  });
  const body = (await response.json()) as { content?: Array<{ text?: string }> };
  return {
    status: response.status,
    text: body.content?.map((block) => block.text ?? '').join('') ?? '',
    context: response.headers.get('x-claude-code-context'),
    sessionId: response.headers.get('x-claude-session-id'),
  };
}

/** The conversation after `answer` answered the last user turn of `messages`, with `next` if given. */
export function withAnswer(messages: Message[], answer: Answer, next?: string): Message[] {
  const grown: Message[] = [...messages, { role: 'assistant', content: answer.text }];
  return next === undefined ? grown : [...grown, { role: 'user', content: next }];
}
