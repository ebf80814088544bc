/**
 * The conversation store on a failing disk: requests go on, callers get a generic warning without
 * server paths (the path is in the server's log), and the store works again once the disk does.
 * A file where the store's parent directory should be stands in for a full disk: tests run as root,
 * which file permissions would not stop.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_LOOKUP_FAILED, STORE_UNAVAILABLE } from '../../src/gateway/conversation.js';
import { createServer, type ProxyServer } from '../../src/http/server.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually } from '../integration/helpers.js';

let fake: FakeClaude | undefined;
let server: ProxyServer | undefined;
let root: string | undefined;
afterEach(async () => {
  await server?.close();
  await fake?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
  server = fake = root = undefined;
});

type Line = Record<string, unknown>;

async function proxyOnBlockedStore() {
  root = mkdtempSync(join(tmpdir(), 'ccw-store-recovery-'));
  const blocker = join(root, 'blocker');
  writeFileSync(blocker, 'not a directory');
  fake = await withFakeClaude();
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  server = createServer(
    {
      port: 0,
      sessionStorePath: join(blocker, 'sessions'),
      warmPoolSize: 0,
      // Every later turn must go through the store (a kept process would continue it without).
      conversationProcesses: 0,
      wrapper: {
        claudeBinary: fake.binary,
        env: { ...fake.env, HOME: join(root, 'home') },
        logLevel: 'silent',
        killGraceMs: 300,
      },
    },
    { logger: pino({ level: 'warn' }, sink) },
  );
  const { url } = await server.listen();
  const ask = async (messages: { role: string; content: string }[]) => {
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 100, messages }),
    });
    expect(response.status).toBe(200);
    const message = (await response.json()) as { content: { text: string }[] };
    return {
      text: message.content[0]?.text ?? '',
      context: response.headers.get('x-claude-code-context'),
      warnings: response.headers.get('x-claude-code-warnings'),
    };
  };
  const unblock = (): void => {
    rmSync(blocker);
    mkdirSync(blocker);
  };
  return { root, ask, unblock, lines };
}

describe('conversation store on a failing disk', () => {
  it('answers with a generic warning, logs the path, and recovers once the disk works again', async () => {
    const { root, ask, unblock, lines } = await proxyOnBlockedStore();
    const first = await ask([{ role: 'user', content: 'one' }]);
    expect(first.context).toBe('new');
    // The store is opened at start-up (then the mapping is written behind the answer): the failure
    // goes to the server's log, with the path.
    expect(await eventually(() => lines.some((l) => /^session_store_/.test(String(l['event']))))).toBe(true);
    expect(JSON.stringify(lines)).toContain(root);

    const second = await ask([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: first.text },
      { role: 'user', content: 'two' },
    ]);
    // Rebuilt from the request's history: the CLI still gets separate turns.
    expect(second.context).toBe('synthesized');
    expect(second.warnings).toBe(STORE_LOOKUP_FAILED);
    const fresh = await ask([{ role: 'user', content: 'another' }]);
    expect(fresh.warnings).toBe(STORE_UNAVAILABLE);
    for (const warnings of [second.warnings, fresh.warnings]) expect(warnings).not.toContain(root);
    // Three requests failed to use the store (a write, a lookup, a write): the log says it once.
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last write behind has failed
    expect(lines.filter((l) => /^session_store_/.test(String(l['event'])))).toHaveLength(1);

    unblock(); // space freed
    // The store opens again on its first use after the backoff (1 s, doubling per failure): ask new
    // conversations until one is answered without the warning, however slow the machine is.
    let prompt = 'three';
    let third = await ask([{ role: 'user', content: prompt }]);
    for (let i = 0; third.warnings !== null && i < 40; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      prompt = `three (${i})`;
      third = await ask([{ role: 'user', content: prompt }]);
    }
    expect(third.warnings).toBeNull();
    const history = [
      { role: 'user', content: prompt },
      { role: 'assistant', content: third.text },
      { role: 'user', content: 'four' },
    ];
    await new Promise((resolve) => setTimeout(resolve, 500)); // the mapping is written behind the answer
    expect((await ask(history)).context).toBe('resumed');
    expect((await ask([{ role: 'user', content: 'five' }])).warnings).toBeNull();
  });
});
