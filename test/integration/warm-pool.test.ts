import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import type { FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, isRunning, useFakeClaude } from './helpers.js';

const setup = useFakeClaude();

const runs = (f: FakeClaude) => f.invocations().filter((i) => !i.argv.includes('--version'));
const userPrompts = (stdin: unknown[]) =>
  stdin.flatMap((line) => {
    const l = line as { type?: string; message?: { content?: unknown } };
    if (l.type !== 'user') return [];
    const c = l.message?.content;
    return [typeof c === 'string' ? c : ((c as Array<{ text?: string }>)[0]?.text ?? '')];
  });

describe('warm pool', () => {
  it('hands a pre-spawned, initialised process to the request and refills in the background', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1 } });
    await wrapper.prewarm();
    expect(runs(fake)).toHaveLength(1);
    const response = await wrapper.run('hello');
    expect(response.content).toBe('fake reply 1 to: hello');
    const first = runs(fake)[0];
    expect((first?.stdin[0] as { request?: { subtype?: string } }).request?.subtype).toBe('initialize');
    expect(userPrompts(first?.stdin ?? [])).toEqual(['hello']);
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 1)).toBe(true);
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 1, spawns: 2, busy: 0 });
    // maxUses 1: the used process is ended.
    expect(await eventually(() => !isRunning(first?.pid ?? -1))).toBe(true);
  });

  it('reuses one process with /clear, and request B never sees request A', async () => {
    const { wrapper, fake } = await setup({ echoHistory: true }, { warmPool: { size: 1, maxUses: 3 } });
    await wrapper.prewarm();
    const answers: string[] = [];
    for (const prompt of ['secret A', 'question B', 'question C']) {
      answers.push((await wrapper.run(prompt)).content);
      await eventually(() => wrapper.getPoolStats()?.idle === 1);
    }
    expect(answers).toEqual([
      'fake reply 1 to: secret A | previous: none',
      'fake reply 2 to: question B | previous: none',
      'fake reply 3 to: question C | previous: none',
    ]);
    const served = runs(fake).filter((r) => userPrompts(r.stdin).includes('secret A'));
    expect(served).toHaveLength(1);
    expect(userPrompts(served[0]?.stdin ?? [])).toEqual([
      'secret A',
      '/clear',
      'question B',
      '/clear',
      'question C',
    ]);
    expect(wrapper.getPoolStats()?.reuses).toBeGreaterThanOrEqual(2);
  });

  it('reuses with rewind_conversation, without persistence', async () => {
    const { wrapper, fake } = await setup(
      { echoHistory: true },
      { warmPool: { size: 1, maxUses: 5, reuse: 'rewind' } },
    );
    await wrapper.prewarm();
    const a = await wrapper.run('secret A');
    await eventually(() => wrapper.getPoolStats()?.idle === 1 && (wrapper.getPoolStats()?.reuses ?? 0) >= 1);
    const b = await wrapper.run('question B');
    expect(a.content).toContain('previous: none');
    expect(b.content).toBe('fake reply 2 to: question B | previous: none');
    const process = runs(fake).find((r) => userPrompts(r.stdin).includes('secret A'));
    expect(process?.argv).toEqual(
      expect.arrayContaining(['--replay-user-messages', '--no-session-persistence']),
    );
    expect(
      process?.stdin.some(
        (l) => (l as { request?: { subtype?: string } }).request?.subtype === 'rewind_conversation',
      ),
    ).toBe(true);
  });

  it('never hands out a dead process', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1 } });
    await wrapper.prewarm();
    const parked = runs(fake)[0]?.pid ?? -1;
    process.kill(parked, 'SIGKILL');
    await eventually(() => !isRunning(parked));
    const response = await wrapper.run('still works');
    expect(response.content).toBe('fake reply 1 to: still works');
  });

  it('retires idle processes after maxIdleMs and stops refilling an unused configuration', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1, maxIdleMs: 300 } });
    await wrapper.prewarm();
    const pid = runs(fake)[0]?.pid ?? -1;
    expect(await eventually(() => !isRunning(pid), 3000)).toBe(true);
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 0)).toBe(true);
  });

  it('stops spawning after repeated start-up failures', async () => {
    const { wrapper, fake } = await setup(
      { startup: { stderr: 'boom', exitCode: 1 } },
      { warmPool: { size: 2 } },
    );
    await wrapper.prewarm();
    await new Promise((r) => setTimeout(r, 500));
    const spawned = runs(fake).length;
    expect(spawned).toBeLessThanOrEqual(5);
    expect(wrapper.getPoolStats()?.spawnFailures).toBeGreaterThanOrEqual(2);
  });

  it('close() kills every pooled process', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 2 } });
    await wrapper.prewarm();
    const pids = runs(fake).map((r) => r.pid);
    expect(pids).toHaveLength(2);
    await wrapper.close();
    for (const pid of pids) expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('pooled processes die with the host even when it is SIGKILLed, busy ones included', async () => {
    // A busy CLI ignores stdin EOF until its turn ends (here: never), so only the kernel's
    // parent-death signal can end it.
    const { fake } = await setup({ default: { kind: 'hang' } });
    const script = `
      import { ClaudeCodeWrapper } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).pathname)};
      const w = new ClaudeCodeWrapper({ claudeBinary: process.env.BIN, env: JSON.parse(process.env.FAKE_ENV), logLevel: 'silent', warmPool: { size: 2 } });
      await w.prewarm();
      void w.run('hang forever').catch(() => {});
      console.log('ready');
      setInterval(() => {}, 1000);
    `;
    // The host is a separate Node process running the built library (npm test builds first).
    const host = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, BIN: fake.binary, FAKE_ENV: JSON.stringify(fake.env) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      host.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
    );
    expect(
      await eventually(() => runs(fake).some((r) => userPrompts(r.stdin).includes('hang forever'))),
    ).toBe(true);
    const pids = runs(fake).map((r) => r.pid);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    host.kill('SIGKILL');
    for (const pid of pids) expect(await eventually(() => !isRunning(pid), 3000)).toBe(true);
  });
});
