/**
 * A process kept for a conversation serves a new conversation when the warm pool has none ready,
 * with the real CLI against the fake API (kept-process-donor.ts): back-to-back new conversations
 * outrun the spares (each takes ~0.5 s to start, a turn ~50 ms), so one of them gets the least
 * recently kept process, rewound. Its API call is the one a freshly started process makes, with
 * nothing of the conversation the process served before; that conversation's next turn resumes
 * from its own copy of the session, exactly; and the new conversation goes on in the process.
 */
import { describe, expect, it } from 'vitest';
import { upstreamBody, useRealCliProxy, type RealCliProxy } from './real-cli-proxy.js';

const proxy = useRealCliProxy({ conversationProcesses: 4 });
const model = 'claude-sonnet-5-5';

type Message = { role: 'user' | 'assistant'; content: string };

interface Turn {
  readonly context: string | null;
  readonly text: string;
  /** The API call the turn made (the last one), normalised by {@link upstreamBody}. */
  readonly upstream: Record<string, unknown>;
}

async function ask(p: RealCliProxy, messages: Message[]): Promise<Turn> {
  const { data, response } = await p
    .anthropic()
    .messages.create({ model, max_tokens: 100, messages })
    .withResponse();
  return {
    context: response.headers.get('x-claude-code-context'),
    text: data.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
    upstream: upstreamBody(p, p.api.messageRequests().length - 1),
  };
}

async function reusedSoFar(p: RealCliProxy): Promise<number> {
  const details = (await (await fetch(`${p.url}/health/details`)).json()) as {
    conversationProcesses: { reused: number };
  };
  return details.conversationProcesses.reused;
}

/** `body` with every occurrence of `text` replaced, to compare two calls that differ only in it. */
function without(body: Record<string, unknown>, text: string): string {
  return JSON.stringify(body).replaceAll(text, 'TEXT');
}

describe('kept processes serve new conversations with the real CLI', () => {
  it('rewinds one for a new conversation: a fresh API call; the old conversation resumes exactly', async () => {
    const alpha: Message[] = [{ role: 'user', content: 'alpha secret one' }];
    const alphaOne = await ask(proxy, alpha);
    expect(alphaOne.context).toBe('new');

    // New conversations back to back until one is served by a kept (alpha's) process.
    const fresh: { text: string; turn: Turn }[] = [];
    let reused: { text: string; turn: Turn } | undefined;
    for (let i = 0; i < 6 && reused === undefined; i += 1) {
      const before = await reusedSoFar(proxy);
      const text = `independent question ${i}`;
      const turn = await ask(proxy, [{ role: 'user', content: text }]);
      expect(turn.context).toBe('new');
      if ((await reusedSoFar(proxy)) > before) reused = { text, turn };
      else fresh.push({ text, turn });
    }
    expect(reused).toBeDefined();
    if (reused === undefined) return;
    // Nothing of alpha reached the API, and the call is the one a new process makes.
    expect(JSON.stringify(reused.turn.upstream)).not.toContain('alpha');
    const [first] = fresh;
    expect(first).toBeDefined();
    if (first)
      expect(without(reused.turn.upstream, reused.text)).toBe(without(first.turn.upstream, first.text));

    // Alpha (the least recently kept) lost its process: its next turn resumes from the copy.
    const alphaTwo = await ask(proxy, [
      ...alpha,
      { role: 'assistant', content: alphaOne.text },
      { role: 'user', content: 'alpha secret two' },
    ]);
    expect(alphaTwo.context).toBe('resumed');
    const alphaCall = JSON.stringify(alphaTwo.upstream);
    expect(alphaCall).toContain('alpha secret one');
    expect(alphaCall).toContain(alphaOne.text);
    expect(alphaCall).toContain('alpha secret two');
    expect(alphaCall).not.toContain('independent question');

    // The new conversation goes on in the rewound process, still without alpha.
    const next = await ask(proxy, [
      { role: 'user', content: reused.text },
      { role: 'assistant', content: reused.turn.text },
      { role: 'user', content: 'and a follow-up' },
    ]);
    expect(next.context).toBe('continued');
    const nextCall = JSON.stringify(next.upstream);
    expect(nextCall).toContain(reused.text);
    expect(nextCall).not.toContain('alpha');
  });
});
