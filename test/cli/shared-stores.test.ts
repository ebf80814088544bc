/**
 * Two `serve` processes of one user on the default stores (`~/.claude-code-wrapper/sessions` and
 * `.../cache`, LMDB): a conversation started on one continues on the other as a resumed CLI
 * session, in both directions and under concurrent requests; a response cached by one is a hit in
 * the other; no request fails and neither log has a warning about a store. The former LevelDB
 * store let only one process open it: the second server flattened every continued conversation.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argValue } from '../support/index.js';
import { createHarness, ensureBuilt, eventually, listening, type CliHarness } from './helpers.js';

let h: CliHarness;
const servers: ChildProcess[] = [];
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness();
});
afterAll(async () => {
  await Promise.all(
    servers.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await h.cleanup();
});

interface Serve {
  readonly url: string;
  readonly stderr: () => string;
}

/** Start `serve` with `config`; resolves once it listens. Its log (warn and above) stays readable. */
async function serve(config: string): Promise<Serve> {
  const child = h.spawn(['serve', '--config', config], { env: { CLAUDE_LOG_LEVEL: 'warn' } });
  servers.push(child);
  return listening(child);
}

type Turn = { role: 'user' | 'assistant'; content: string };

async function ask(server: Serve, messages: Turn[]) {
  const response = await fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 100, messages }),
  });
  const body = (await response.json()) as { content?: { text: string }[] };
  return {
    status: response.status,
    text: body.content?.[0]?.text ?? '',
    context: response.headers.get('x-claude-code-context'),
    session: response.headers.get('x-claude-session-id'),
    warnings: response.headers.get('x-claude-code-warnings'),
  };
}

/**
 * Entries in one of the shared stores (`sessions`: conversation mappings, `cache`: answers),
 * counted from this (third) process. Each server writes just after its answer went out; waiting
 * for the count keeps the test about sharing, not about how soon the write lands (a follow-up
 * sent to the other server within a millisecond or two may not find it yet).
 */
function entries(store: 'sessions' | 'cache'): number {
  const db = open(join(h.dir, '.claude-code-wrapper', store), { readOnly: true, cache: false });
  try {
    return db.getKeysCount();
  } finally {
    void db.close();
  }
}

/** Log lines at warn or above that are about a store. */
function storeWarnings(server: Serve): string[] {
  return server
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .filter((line) => {
      const entry = JSON.parse(line) as { level?: number };
      return (entry.level ?? 0) >= 40 && /store/i.test(line);
    });
}

/** The fake CLI's latest run that got `prompt`. */
function runFor(prompt: string) {
  return h
    .prompts()
    .filter((run) => JSON.stringify(run.stdin).includes(prompt))
    .at(-1);
}

describe('two serve processes on the same session store and cache', () => {
  it('continue each other’s conversations as resumed sessions and share cached answers', async () => {
    const config = join(h.dir, 'proxy.json');
    // Default store paths (under HOME): what two servers of one user share without configuration.
    writeFileSync(
      config,
      JSON.stringify({ cache: { ttlMs: 600_000 }, server: { port: 0, warmPoolSize: 0 } }),
    );
    const [a, b] = await Promise.all([serve(config), serve(config)]);

    // The response cache: a fresh question answered by A is a hit on B, which runs no CLI.
    expect(await ask(a!, [{ role: 'user', content: 'cache me' }])).toMatchObject({
      status: 200,
      context: 'new',
    });
    expect(await eventually(() => entries('cache') >= 1)).toBe(true);
    const runs = h.prompts().length;
    expect(await ask(b!, [{ role: 'user', content: 'cache me' }])).toMatchObject({
      status: 200,
      warnings: null,
    });
    expect(h.prompts()).toHaveLength(runs);
    expect(await (await fetch(`${b!.url}/metrics`)).text()).toMatch(
      /claude_code_cache_requests_total\{result="hit"\} 1\b/,
    );

    // Each answer stores one mapping under its conversation's key, just after it went out; the
    // waits below count distinct conversations so far ('cache me' answered twice: one key).
    const first = await ask(a!, [{ role: 'user', content: 'started on A' }]);
    expect(first).toMatchObject({ status: 200, context: 'new', warnings: null });
    expect(await eventually(() => entries('sessions') >= 2)).toBe(true);
    const history: Turn[] = [
      { role: 'user', content: 'started on A' },
      { role: 'assistant', content: first.text },
      { role: 'user', content: 'continued on B' },
    ];
    const second = await ask(b!, history);
    expect(second).toMatchObject({ status: 200, context: 'resumed', warnings: null });
    // B resumed the CLI session of A's run.
    expect(first.session).toBeTruthy();
    expect(argValue(runFor('continued on B'), '--resume')).toBe(first.session);

    // And back: B's answer, continued on A.
    expect(await eventually(() => entries('sessions') >= 3)).toBe(true);
    const third = await ask(a!, [
      ...history,
      { role: 'assistant', content: second.text },
      { role: 'user', content: 'back on A' },
    ]);
    expect(third).toMatchObject({ status: 200, context: 'resumed', warnings: null });

    // Both servers writing the store at the same time: six new conversations at once, three on
    // each, then each continued on the other server.
    const prompts = [0, 1, 2, 3, 4, 5].map((i) => `parallel ${i}`);
    const on = (i: number, flip: boolean) => ((i % 2 === 0) !== flip ? a! : b!);
    const starts = await Promise.all(
      prompts.map((prompt, i) => ask(on(i, false), [{ role: 'user', content: prompt }])),
    );
    for (const start of starts) expect(start).toMatchObject({ status: 200, context: 'new', warnings: null });
    expect(await eventually(() => entries('sessions') >= 4 + prompts.length)).toBe(true);
    const continued = await Promise.all(
      prompts.map((prompt, i) =>
        ask(on(i, true), [
          { role: 'user', content: prompt },
          { role: 'assistant', content: starts[i]!.text },
          { role: 'user', content: 'next' },
        ]),
      ),
    );
    for (const turn of continued)
      expect(turn).toMatchObject({ status: 200, context: 'resumed', warnings: null });

    for (const server of [a!, b!]) expect(storeWarnings(server)).toEqual([]);
  }, 60_000);
});
