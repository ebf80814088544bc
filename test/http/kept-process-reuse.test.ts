/**
 * A process kept for a conversation serves a new conversation when the warm pool has none ready
 * (kept-process-donor.ts), with the fake CLI keeping transcripts as the real one does: the new
 * conversation starts from nothing (the rewind), the conversation that lost its process resumes
 * from a copy of its session, and its other processes and turns are untouched. The fake starts
 * slowly (400 ms), so spares are still starting when the requests come back to back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { ask, withAnswer, type Message } from './conversation-helpers.js';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: ServerOptionsInput = {}): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'ccw-reuse-home-'));
  harness = await startHarness(
    { echoHistory: true, startup: { delayMs: 400 } },
    { conversationProcesses: 4, warmPoolSize: 2, warmPoolMinIdle: 1, ...options },
    {
      env: { HOME: home, FAKE_CLAUDE_TRANSCRIPTS: '1' },
      cleanup: () => rm(home, { recursive: true, force: true }),
    },
  );
  return harness;
}

interface Details {
  warmPool: { recycled: number; handoffs: number; spawns: number; starting: number; idle: number };
  conversationProcesses: { kept: number; reused: number; continuations: number; free: number };
}

async function details(h: Harness): Promise<Details> {
  return (await (await fetch(`${h.url}/health/details`)).json()) as Details;
}

/** The user texts the model was sent in the turn whose last user text is `last` (one turn only). */
function sentWith(h: Harness, last: string): string[] {
  const turns = cliRuns(h.fake)
    .flatMap((run) => run.modelInputs)
    .map((input) =>
      input.messages
        .filter((message) => message.role === 'user')
        .map((message) =>
          typeof message.content === 'string'
            ? message.content
            : (message.content as Array<{ text?: string }>).map((block) => block.text ?? '').join(''),
        ),
    )
    .filter((texts) => texts.at(-1) === last);
  expect(turns).toHaveLength(1);
  return turns[0] ?? [];
}

describe('kept processes serve new conversations when no spare is ready', () => {
  it('rewinds the least recently kept process for a new conversation; the old one resumes from its copy', async () => {
    const h = await start();
    const a: Message[] = [{ role: 'user', content: 'alpha one' }];
    const a1 = await ask(h, a);
    const b1 = await ask(h, [{ role: 'user', content: 'bravo one' }]);
    expect([a1.context, b1.context]).toEqual(['new', 'new']);
    // Two kept, spares still starting: the third new conversation takes alpha's process.
    const before = await details(h);
    const c: Message[] = [{ role: 'user', content: 'charlie one' }];
    const c1 = await ask(h, c);
    const after = await details(h);
    expect(after.warmPool.recycled - before.warmPool.recycled).toBe(1);
    expect(after.conversationProcesses.reused - before.conversationProcesses.reused).toBe(1);
    // The rewound process answered as a fresh one: no previous prompt, nothing of alpha sent.
    expect(c1).toMatchObject({ context: 'new', text: expect.stringContaining('previous: none') });
    expect(sentWith(h, 'charlie one')).toEqual(['charlie one']);

    // Alpha lost its process: its next turn resumes from its own copy of the session.
    const a2 = await ask(h, withAnswer(a, a1, 'alpha two'));
    expect(a2.context).toBe('resumed');
    expect(sentWith(h, 'alpha two')).toEqual(['alpha one', 'alpha two']);

    // Charlie goes on in the process it got: continued, still without alpha.
    const c2 = await ask(h, withAnswer(c, c1, 'charlie two'));
    expect(c2).toMatchObject({
      context: 'continued',
      text: expect.stringContaining('previous: charlie one'),
    });
    expect(sentWith(h, 'charlie two')).toEqual(['charlie one', 'charlie two']);
  });

  it('a process whose conversation the count bound ended serves the next conversation', async () => {
    // One kept process at most: bravo's ends alpha's turn as the kept one, which then waits, free.
    const h = await start({ conversationProcesses: 1 });
    const a: Message[] = [{ role: 'user', content: 'alpha one' }];
    const a1 = await ask(h, a);
    const b: Message[] = [{ role: 'user', content: 'bravo one' }];
    const b1 = await ask(h, b);
    expect((await details(h)).conversationProcesses).toMatchObject({ kept: 1, free: 1 });
    const c1 = await ask(h, [{ role: 'user', content: 'charlie one' }]);
    expect(c1).toMatchObject({ context: 'new', text: expect.stringContaining('previous: none') });
    expect(sentWith(h, 'charlie one')).toEqual(['charlie one']);
    expect((await details(h)).conversationProcesses).toMatchObject({ reused: 1 });
    // Alpha resumes from its copy; bravo's process was ended by charlie's (one kept): it resumes too.
    expect((await ask(h, withAnswer(a, a1, 'alpha two'))).context).toBe('resumed');
    expect(sentWith(h, 'alpha two')).toEqual(['alpha one', 'alpha two']);
    expect((await ask(h, withAnswer(b, b1, 'bravo two'))).context).toBe('resumed');
  });

  it('starts no spare while the kept processes are full: the least recently kept serves the next one', async () => {
    const h = await start({ conversationProcesses: 2 });
    await ask(h, [{ role: 'user', content: 'alpha one' }]);
    // Bravo's configuration is now pooled: a spare starts once bravo's own CLI has started.
    await ask(h, [{ role: 'user', content: 'bravo one' }]);
    let idle = 0;
    for (let i = 0; i < 200 && idle === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      idle = (await details(h)).warmPool.idle;
    }
    expect(idle).toBe(1);
    // Charlie takes the spare, and its process is kept instead of alpha's. With two kept, a third
    // would end the older anyway: no replacement starts, and the next conversations get kept ones.
    for (const name of ['charlie', 'delta', 'echo']) {
      const answer = await ask(h, [{ role: 'user', content: `${name} one` }]);
      expect(answer).toMatchObject({ context: 'new', text: expect.stringContaining('previous: none') });
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    const { warmPool, conversationProcesses } = await details(h);
    expect(warmPool).toMatchObject({ spawns: 1, starting: 0, idle: 0, recycled: 2 });
    expect(conversationProcesses).toMatchObject({ kept: 2, reused: 2 });
    // Three CLI processes served all five conversations.
    expect(cliRuns(h.fake)).toHaveLength(3);
  });

  it('never gives another request a process that had the caller’s tools registered', async () => {
    // Two processes kept (count bound 1 frees the first), both with a client tool registered.
    const h = await start({ conversationProcesses: 1 });
    const tools = [
      { name: 'lookup', description: 'lookup', input_schema: { type: 'object', properties: {} } },
    ];
    await ask(h, [{ role: 'user', content: 'alpha one' }], { tools });
    await ask(h, [{ role: 'user', content: 'bravo one' }], { tools });
    // Neither waits free nor serves the next conversation, with or without tools.
    expect((await details(h)).conversationProcesses).toMatchObject({ kept: 1, free: 0 });
    await ask(h, [{ role: 'user', content: 'charlie one' }]);
    await ask(h, [{ role: 'user', content: 'delta one' }], { tools });
    const { warmPool, conversationProcesses } = await details(h);
    expect(warmPool.recycled).toBe(0);
    expect(conversationProcesses.reused).toBe(0);
  });
});
