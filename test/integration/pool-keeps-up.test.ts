/**
 * A warm pool that keeps up (issue 15 items 2 and 4), against the fake CLI: sequential and bursty
 * traffic find a ready process, the pool follows recent concurrency within its bounds, spares wait
 * for a run's own start-up, and run() and runStreaming() share processes. Counts only (spawns,
 * hand-offs, misses), never speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { resolveLaunchSpec, spawnFromSpec } from '../../src/process/launch.js';
import { WarmPool } from '../../src/process/warm-pool.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, isRunning, useFakeClaude } from './helpers.js';

const setup = useFakeClaude();
const runs = (f: FakeClaude) => f.invocations().filter((i) => !i.argv.includes('--version'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a pool that keeps up', () => {
  it('serves sequential back-to-back requests warm without reuse: each hand-off starts the next spare', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1 } });
    await wrapper.prewarm();
    for (let i = 0; i < 6; i += 1) await wrapper.run(`request ${i}`);
    const served = runs(fake).filter((r) => r.stdin.some((l) => JSON.stringify(l).includes('request ')));
    expect(served).toHaveLength(6);
    // Every request got a pooled process (some after waiting for it to finish starting).
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 6, misses: 0 });
    // One process per request (maxUses 1) plus the spare for the next one.
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 1)).toBe(true);
    expect(wrapper.getPoolStats()?.spawns).toBe(7);
  });

  it('with reuse, serves sequential requests from one process and starts no spare', async () => {
    const { wrapper, fake } = await setup({ echoHistory: true }, { warmPool: { size: 1, maxUses: 20 } });
    await wrapper.prewarm();
    const answers: string[] = [];
    for (let i = 0; i < 6; i += 1) answers.push((await wrapper.run(`request ${i}`)).content);
    expect(answers.every((a) => a.endsWith('| previous: none'))).toBe(true);
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 6, misses: 0, spawns: 1 });
    // A request that arrived while the process was being reset waited for it.
    expect(runs(fake)).toHaveLength(1);
  });

  it('follows a burst: its cold processes are adopted, the next burst is served warm, then it shrinks back', async () => {
    const { wrapper, fake } = await setup(
      { default: { kind: 'reply', chunkDelayMs: 30 } },
      { warmPool: { size: 4, maxUses: 20, demandWindowMs: 800 } },
    );
    // Seen twice: the second request's own process is adopted (no spare spawned).
    await wrapper.run('one');
    await wrapper.run('two');
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 1)).toBe(true);
    expect(wrapper.getPoolStats()).toMatchObject({ spawns: 0, adoptions: 1 });

    await Promise.all([wrapper.run('a'), wrapper.run('b'), wrapper.run('c')]);
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 1, misses: 4 });
    // The two cold runs of the burst stay, as the burst calls for three.
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 3)).toBe(true);
    expect(wrapper.getPoolStats()).toMatchObject({ target: 3, adoptions: 3, spawns: 0 });

    await Promise.all([wrapper.run('d'), wrapper.run('e'), wrapper.run('f')]);
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 4, misses: 4 });
    // Two cold runs, then two cold runs of the first burst: nothing else was ever started.
    expect(runs(fake)).toHaveLength(4);

    expect(await eventually(() => wrapper.getPoolStats()?.idle === 3)).toBe(true);

    // The burst is over: back to minIdle (1) once the window has passed.
    expect(
      await eventually(() => {
        const stats = wrapper.getPoolStats();
        return stats?.target === 1 && stats.idle === 1 && stats.busy === 0;
      }, 5000),
    ).toBe(true);
  });

  it('minIdle 0 keeps no process once recent demand is gone', async () => {
    const { wrapper, fake } = await setup(
      {},
      { warmPool: { size: 2, minIdle: 0, maxUses: 20, demandWindowMs: 400 } },
    );
    await wrapper.run('one');
    await wrapper.run('two');
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 1)).toBe(true);
    const kept = runs(fake)[1]?.pid ?? -1;
    expect(isRunning(kept)).toBe(true);
    expect(await eventually(() => wrapper.getPoolStats()?.idle === 0, 5000)).toBe(true);
    expect(await eventually(() => !isRunning(kept))).toBe(true);
    expect(wrapper.getPoolStats()?.spawns).toBe(0);
  });

  it('never holds more than maxProcesses, busy ones included', async () => {
    const { wrapper } = await setup(
      { default: { kind: 'reply', chunkDelayMs: 30 } },
      { warmPool: { size: 8, maxUses: 20, maxProcesses: 2 } },
    );
    await wrapper.run('one');
    await wrapper.run('two');
    await Promise.all(Array.from({ length: 5 }, (_, i) => wrapper.run(`burst ${i}`)));
    await sleep(300);
    const stats = wrapper.getPoolStats();
    expect((stats?.idle ?? 0) + (stats?.busy ?? 0) + (stats?.starting ?? 0)).toBeLessThanOrEqual(2);
    expect(stats?.adoptions).toBe(2);
  });

  it('run() and runStreaming() share one pool: the same process serves both', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1, maxUses: 20 } });
    await wrapper.prewarm();
    const plain = await wrapper.run('plain');
    const streamed = wrapper.runStreaming('streamed');
    const deltas: string[] = [];
    for await (const event of streamed) if (event.type === 'text_delta') deltas.push(event.text);
    await streamed.result;
    const again = await wrapper.run('plain again');
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 3, misses: 0, spawns: 1 });
    expect(runs(fake)).toHaveLength(1);
    expect(runs(fake)[0]?.argv).toContain('--include-partial-messages');
    // The streamed run got its deltas; the others are what a run without partial messages gets.
    expect(deltas.join('')).toBe('fake reply 2 to: streamed');
    for (const response of [plain, again]) {
      expect(response.messages.some((m) => m.type === 'stream_event')).toBe(false);
    }
    expect(plain.content).toBe('fake reply 1 to: plain');
  });
});

describe('spares and the CPU', () => {
  const made: Array<{ pool: WarmPool; fake: FakeClaude }> = [];
  afterEach(async () => {
    for (const { pool, fake } of made.splice(0)) {
      await pool.close();
      await fake.cleanup();
    }
  });

  it('a spare waits until the run’s own CLI has finished starting', async () => {
    const fake = await withFakeClaude({ default: { kind: 'hang' } });
    const pool = new WarmPool(
      {
        size: 1,
        minIdle: 1,
        maxIdleMs: 60_000,
        maxUses: 1,
        reuse: 'clear',
        maxConfigs: 4,
        maxProcesses: 8,
        demandWindowMs: 60_000,
        // The run's CLI counts as starting until it exits.
        startupMs: 60_000,
      },
      createLogger('silent'),
    );
    made.push({ pool, fake });
    const spec = pool.launchSpec({ claudeBinary: fake.binary, env: fake.env, killGraceMs: 300 });
    // First request: seen once, nothing pooled. Second: pooled from now on, but no spare yet.
    expect(await pool.acquire(spec)).toBeUndefined();
    expect(await pool.acquire(spec)).toBeUndefined();
    const cli = spawnFromSpec(spec);
    const cold = pool.coldStarted(spec, cli);
    await sleep(400);
    expect(pool.stats()).toMatchObject({ configs: 1, spawns: 0 });
    // Its start-up is over (here: it ended): now the spare starts.
    await cli.terminate();
    expect(cold.finish(undefined)).toBe(false);
    expect(await eventually(() => pool.stats().idle === 1)).toBe(true);
    expect(pool.stats().spawns).toBe(1);
  });

  it('a spare needs a free core: with one core it waits for the run in flight, with two it starts at the hand-off', async () => {
    const fake = await withFakeClaude({ default: { kind: 'hang' } });
    const pools = [1, 2].map(
      (cores) =>
        new WarmPool(
          {
            size: 1,
            minIdle: 1,
            maxIdleMs: 60_000,
            maxUses: 1,
            reuse: 'clear',
            maxConfigs: 4,
            maxProcesses: 8,
            demandWindowMs: 60_000,
            cores,
          },
          createLogger('silent'),
        ),
    );
    for (const pool of pools) made.push({ pool, fake });
    const [oneCore, twoCores] = pools as [WarmPool, WarmPool];
    const options = { claudeBinary: fake.binary, env: fake.env, killGraceMs: 300 };
    for (const pool of pools) await pool.warm(pool.launchSpec(options));
    const busy = await oneCore.acquire(oneCore.launchSpec(options));
    expect(await twoCores.acquire(twoCores.launchSpec(options))).toBeDefined();
    expect(await eventually(() => twoCores.stats().spawns === 2)).toBe(true);
    await sleep(300);
    expect(oneCore.stats()).toMatchObject({ spawns: 1, busy: 1 });
    // The run ended (here: its process was given back unusable): the core is free.
    oneCore.giveBack(busy!, undefined);
    expect(await eventually(() => oneCore.stats().spawns === 2)).toBe(true);
  });

  it('a run that cannot use the pool (a resume) also holds spares back while it starts', async () => {
    const fake = await withFakeClaude({ default: { kind: 'hang' } });
    const pool = new WarmPool(
      {
        size: 1,
        minIdle: 1,
        maxIdleMs: 60_000,
        maxUses: 1,
        reuse: 'clear',
        maxConfigs: 4,
        maxProcesses: 8,
        demandWindowMs: 60_000,
        startupMs: 60_000,
      },
      createLogger('silent'),
    );
    made.push({ pool, fake });
    const options = { claudeBinary: fake.binary, env: fake.env, killGraceMs: 300 };
    const resumed = spawnFromSpec(
      resolveLaunchSpec(options, { resume: '00000000-0000-4000-8000-000000000000' }),
    );
    pool.coldStarted(undefined, resumed);
    await pool.warm(pool.launchSpec(options));
    // prewarm is explicit and not held back; a replacement after a hand-off is.
    const taken = await pool.acquire(pool.launchSpec(options));
    expect(taken).toBeDefined();
    await sleep(300);
    expect(pool.stats()).toMatchObject({ spawns: 1, starting: 0 });
    await resumed.terminate();
    expect(await eventually(() => pool.stats().spawns === 2)).toBe(true);
  });
});
