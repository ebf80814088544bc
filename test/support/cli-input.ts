/**
 * Reading what a fake CLI process received (its recorded argv and stdin lines), in the CLI's own
 * stream-json terms: user turns, their content blocks, and the client tools the host listed.
 */
import type { FakeClaudeInvocation } from '../fixtures/fake-claude-helpers.mjs';
import { isUserLine } from '../http/server-harness.js';

/** A Messages API content block as the CLI gets it on stdin. */
export interface ContentBlock {
  readonly type: string;
  readonly text?: string;
  readonly source?: { readonly type: string; readonly media_type?: string; readonly data?: string };
  readonly [key: string]: unknown;
}

interface UserLine {
  readonly type: 'user';
  readonly message: { readonly role: 'user'; readonly content: string | readonly ContentBlock[] };
}

/** The user turns written to the process's stdin (control requests and responses left out). */
export function userTurns(run: FakeClaudeInvocation | undefined): UserLine[] {
  return (run?.stdin ?? []).filter(isUserLine) as UserLine[];
}

/** Content blocks of the `index`-th user turn (a string content becomes one text block). */
export function userContent(run: FakeClaudeInvocation | undefined, index = 0): ContentBlock[] {
  const content = userTurns(run)[index]?.message.content;
  if (content === undefined) return [];
  return typeof content === 'string' ? [{ type: 'text', text: content }] : [...content];
}

/** Text of the `index`-th user turn (text blocks joined, other blocks as `[type]`). */
export function userText(run: FakeClaudeInvocation | undefined, index = 0): string {
  return userContent(run, index)
    .map((b) => (b.type === 'text' ? (b.text ?? '') : `[${b.type}]`))
    .join('');
}

/** The value after `flag` on the process's argv, if the flag is there. */
export function argValue(run: FakeClaudeInvocation | undefined, flag: string): string | undefined {
  const argv = run?.argv ?? [];
  const at = argv.indexOf(flag);
  return at === -1 ? undefined : argv[at + 1];
}

/** Client tools the host answered the CLI's MCP `tools/list` with (name, description, inputSchema). */
export function listedClientTools(run: FakeClaudeInvocation | undefined): Record<string, unknown>[] {
  const tools: Record<string, unknown>[] = [];
  for (const line of run?.stdin ?? []) {
    const message = line as {
      type?: string;
      response?: { response?: { mcp_response?: { result?: { tools?: unknown } } } };
    } | null;
    if (message?.type !== 'control_response') continue;
    const listed = message.response?.response?.mcp_response?.result?.tools;
    if (Array.isArray(listed)) tools.push(...(listed as Record<string, unknown>[]));
  }
  return tools;
}
