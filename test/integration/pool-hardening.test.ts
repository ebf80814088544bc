/**
 * The warm pool spawns one CLI per request when every request carries a new configuration, and a
 * configuration that cannot spawn (here: a synchronous E2BIG) is counted, logged once and dropped,
 * never thrown from a timer and never retried in a loop.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeCodeSpawnError, ClaudeCodeWrapper } from '../../src/index.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, useFakeClaude } from './helpers.js';

const setup = useFakeClaude();
const runs = (f: FakeClaude) => f.invocations().filter((i) => !i.argv.includes('--version'));
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('warm pool spawns', () => {
  it('starts exactly one CLI per request when every request has a new configuration', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1 } });
    for (let i = 0; i < 5; i += 1) await wrapper.run('hi', { systemPrompt: `configuration ${i}` });
    await settle();
    expect(runs(fake)).toHaveLength(5);
    expect(wrapper.getPoolStats()).toMatchObject({ spawns: 0, misses: 5, configs: 0 });
  });

  it('pools a configuration from its second request on', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1 } });
    await wrapper.run('one', { model: 'sonnet' });
    await wrapper.run('two', { model: 'sonnet' });
    // The second request (a repeat) started a pooled process for the third.
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 1)).toBe(true);
    await wrapper.run('three', { model: 'sonnet' });
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 1, misses: 2 });
    // Two cold runs, the pooled process that served the third, and its replacement.
    expect(await eventually(() => runs(fake).length === 4)).toBe(true);
  });

  it('keeps refilling the configuration warmed at start-up, and only that one', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1 } });
    await wrapper.prewarm();
    await wrapper.run('default configuration');
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 1)).toBe(true);
    for (let i = 0; i < 3; i += 1) await wrapper.run('hi', { systemPrompt: `new ${i}` });
    await settle();
    // prewarm + its replacement + three cold runs.
    expect(runs(fake)).toHaveLength(5);
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 1, spawns: 2, idle: 1 });
  });
});

describe('spawn failures', () => {
  const made: Array<{ wrapper: ClaudeCodeWrapper; fake: FakeClaude }> = [];
  afterEach(async () => {
    for (const { wrapper, fake } of made.splice(0)) {
      await wrapper.close();
      await fake.cleanup();
    }
  });

  it('a synchronous spawn failure is a ClaudeCodeSpawnError, not a thrown Error', async () => {
    const { wrapper } = await setup();
    // 200 KB in one argument: spawn() throws E2BIG synchronously.
    const huge = { extraArgs: { '--betas': 'x'.repeat(200_000) } };
    await expect(wrapper.run('hi', huge)).rejects.toMatchObject({
      name: 'ClaudeCodeSpawnError',
      errno: 'E2BIG',
    });
    await expect(wrapper.session(huge).ask('hi')).rejects.toBeInstanceOf(ClaudeCodeSpawnError);
    await expect(wrapper.run('hi', { addDirs: ['/' + 'd'.repeat(200_000)] })).rejects.toBeInstanceOf(
      ClaudeCodeSpawnError,
    );
  });

  it('the pool counts it once, logs it once and stops refilling that configuration', async () => {
    const fake = await withFakeClaude({});
    const lines: Array<{ event?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { event?: string });
        done();
      },
    });
    const wrapper = new ClaudeCodeWrapper(
      { claudeBinary: fake.binary, env: fake.env, killGraceMs: 300, warmPool: { size: 2, maxIdleMs: 100 } },
      { logger: pino({ level: 'warn' }, sink) },
    );
    made.push({ wrapper, fake });
    const huge = { extraArgs: { '--betas': 'x'.repeat(200_000) } };
    await wrapper.prewarm(huge);
    await wrapper.run('hi', huge).catch(() => {});
    // Several sweeps (every 100 ms) later: nothing was retried.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(wrapper.getPoolStats()).toMatchObject({ spawns: 1, spawnFailures: 1, idle: 0, starting: 0 });
    expect(lines.filter((l) => l.event === 'pool_spawn_failed')).toHaveLength(1);
    expect(runs(fake)).toHaveLength(0);
  });
});
