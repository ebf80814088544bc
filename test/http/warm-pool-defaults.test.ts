/**
 * The proxy's warm pool as `serve` configures it: it follows a burst up to `warmPoolSize` but
 * never beyond `maxConcurrent`, shrinks back to `warmPoolMinIdle`, and a request without a repeat
 * starts no spare. Counts from `/health/details`, never speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface PoolStats {
  idle: number;
  busy: number;
  starting: number;
  target: number;
  spawns: number;
  handoffs: number;
  misses: number;
}

async function pool(h: Harness): Promise<PoolStats> {
  const details = (await (await fetch(`${h.url}/health/details`)).json()) as { warmPool: PoolStats };
  return details.warmPool;
}

/** Poll an asynchronous check until it passes or `timeoutMs` is up; the last check decides. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

async function ask(h: Harness, content: string): Promise<void> {
  const response = await fetch(`${h.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude-sonnet-5-5',
      max_tokens: 16,
      messages: [{ role: 'user', content }],
    }),
  });
  expect(response.status).toBe(200);
  await response.json();
}

describe("serve's warm pool", () => {
  it('starts nothing for a single request, then follows a burst up to maxConcurrent', async () => {
    harness = await startHarness(
      { default: { kind: 'reply', chunkDelayMs: 40 } },
      { warmPoolSize: 8, warmPoolMinIdle: 1, maxConcurrent: 2, conversationProcesses: 0 },
    );
    await ask(harness, 'once');
    expect(await pool(harness)).toMatchObject({ spawns: 0, target: 0 });
    expect(cliRuns(harness.fake)).toHaveLength(1);

    // A repeat of the configuration: pooled from now on (one ready, minIdle).
    await ask(harness, 'twice');
    const h = harness;
    expect(await eventually(async () => (await pool(h)).idle === 1, 5000)).toBe(true);

    await Promise.all([ask(h, 'a'), ask(h, 'b'), ask(h, 'c')]);
    // The burst asks for three, but at most maxConcurrent (2) are kept ready.
    expect(
      await eventually(async () => {
        const stats = await pool(h);
        return stats.target === 2 && stats.idle === 2 && stats.starting === 0;
      }, 5000),
    ).toBe(true);
    const stats = await pool(h);
    expect(stats.idle + stats.busy + stats.starting).toBeLessThanOrEqual(3);
  });

  it('warmPoolMinIdle 0 and a short window: nothing stays ready once the requests stop', async () => {
    harness = await startHarness(
      {},
      {
        warmPoolMinIdle: 0,
        conversationProcesses: 0,
        wrapper: { warmPool: { size: 2, minIdle: 0, demandWindowMs: 400 } },
      },
    );
    await ask(harness, 'once');
    await ask(harness, 'twice');
    const h = harness;
    expect(await eventually(async () => (await pool(h)).spawns >= 1, 5000)).toBe(true);
    expect(
      await eventually(async () => {
        const stats = await pool(h);
        return stats.idle === 0 && stats.starting === 0 && stats.target === 0;
      }, 5000),
    ).toBe(true);
  });
});
