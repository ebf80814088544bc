/**
 * Per-key limits shared by replicas through real Redis (`redisUrl`): two proxies, one budget.
 * Needs redis-server (installed by .ci/run); skipped when it is missing, with the reason in the
 * last line of `npm test`.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisRunLeases } from '../../src/resilience/usage/redis-run-leases.js';
import { RedisConnection } from '../../src/storage/redis-store.js';
import { freePort, REDIS_MISSING, redisAvailable, startRedis } from '../fixtures/redis-server.js';
import { skipAllUnless } from '../support/index.js';
import { startHarness, type Harness } from './server-harness.js';

/** Each test's own key: counters are kept by the key's fingerprint, and the tests share one Redis. */
const keyFor = (name: string) => `sk-${name}-key-0123456789`;

describe('per-key limits shared through Redis', () => {
  skipAllUnless(redisAvailable, REDIS_MISSING);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let harnesses: Harness[] = [];
  /** The key of the current test. */
  let key = '';
  beforeAll(async () => {
    if (!redisAvailable) return;
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    harnesses = [];
  });
  afterAll(async () => {
    if (!redisAvailable) return;
    await redis.stop();
  });

  /** Two replicas on one Redis, with the key `entry` names. */
  async function replicas(
    entry: { name: string } & Record<string, unknown>,
    scenario: Parameters<typeof startHarness>[0] = {
      default: { kind: 'reply', text: 'ok', costUsd: 0.0006 },
    },
  ): Promise<[Harness, Harness]> {
    key = keyFor(entry.name);
    const options = { redisUrl: redis.url, keys: [{ key, ...entry }] } as Parameters<typeof startHarness>[1];
    const pair = await Promise.all([startHarness(scenario, options), startHarness(scenario, options)]);
    harnesses.push(...pair);
    return pair;
  }

  const anthropic = (h: Harness) => new Anthropic({ baseURL: h.url, apiKey: key, maxRetries: 0 });
  const openai = (h: Harness) => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: key, maxRetries: 0 });
  const message = (h: Harness) =>
    anthropic(h).messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
  const chat = (h: Harness) =>
    openai(h).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  const usageOf = async (h: Harness) =>
    (await (await fetch(`${h.url}/v1/usage`, { headers: { 'x-api-key': key } })).json()) as {
      requests_per_minute: { used: number };
      concurrent_runs: { used: number };
      daily_usd: { used: number; remaining: number | null };
    };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable('expected a refusal'),
      (error: unknown) => error as InstanceType<typeof Anthropic.APIError>,
    );

  it('spends one daily budget from either replica', async () => {
    const [a, b] = await replicas({ name: 'spend', dailyUsd: 0.001 });
    await message(a);
    expect((await usageOf(b)).daily_usd.used).toBe(0.0006);
    await chat(b);
    const onA = await refusal(message(a));
    expect(onA).toBeInstanceOf(Anthropic.RateLimitError);
    expect(onA.message).toContain("Daily budget of $0.001 for key 'spend' reached: $0.0012 spent today");
    const onB = await refusal(chat(b));
    expect(onB).toBeInstanceOf(OpenAI.RateLimitError);
    expect(onB.message).toContain("Daily budget of $0.001 for key 'spend' reached");
    expect((await usageOf(a)).daily_usd).toMatchObject({ used: 0.0012, remaining: 0 });
  });

  it('counts runs at once and requests per minute over both replicas', async () => {
    const [a, b] = await replicas(
      { name: 'busy', maxConcurrent: 1, requestsPerMinute: 3 },
      { default: { kind: 'reply', chunks: ['slow ', 'answer'], chunkDelayMs: 400 } },
    );
    const running = message(a);
    await vi.waitFor(async () => expect((await usageOf(b)).concurrent_runs.used).toBe(1), { timeout: 5000 });
    const busy = await refusal(chat(b));
    expect(busy).toBeInstanceOf(OpenAI.RateLimitError);
    expect(busy.message).toContain("Concurrency limit of 1 run at once for key 'busy' reached.");
    await running;
    await vi.waitFor(async () => expect((await usageOf(b)).concurrent_runs.used).toBe(0), { timeout: 2000 });
    // Two requests so far (one refused), a third on B; the fourth, on A, is over the minute's three.
    await message(b);
    const limited = await refusal(message(a));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.message).toContain("Rate limit of 3 requests per minute for key 'busy' reached.");
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect((await usageOf(a)).requests_per_minute.used).toBe(4);
  });

  it('lets the leases of a replica that died lapse, and keeps renewing those of a live one', async () => {
    const connection = new RedisConnection(redis.url);
    const live = new RedisRunLeases(connection, { prefix: 'test:leases:', leaseMs: 600 });
    try {
      // A lease as a replica leaves it when it is SIGKILLed mid-run: taken, never renewed nor given back.
      const raw = await connection.client();
      const [seconds, micros] = await raw.time();
      await raw.zadd(
        'test:leases:client:runs',
        Number(seconds) * 1000 + Number(micros) / 1000 + 600,
        'dead:1',
      );
      const kept = await live.acquire('client', 2);
      expect(kept).toHaveProperty('release');
      expect(await live.acquire('client', 2)).toEqual({ refused: 2 });
      await vi.waitFor(async () => expect(await live.count('client')).toBe(1), { timeout: 3000 });
      // The live lease outlives several lease lifetimes through renewal.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await live.count('client')).toBe(1);
      expect(await live.acquire('client', 1)).toEqual({ refused: 1 });
      if ('release' in kept) kept.release();
      await vi.waitFor(async () => expect(await live.count('client')).toBe(0), { timeout: 2000 });
    } finally {
      await live.close();
      await connection.close();
    }
  });

  it('refuses runs with 529 (OpenAI 503) rather than run unlimited while Redis is down', async () => {
    const down = `redis://127.0.0.1:${await freePort()}`;
    key = keyFor('down');
    const unlimited = keyFor('unlimited');
    const options = { redisUrl: down, apiKeys: [unlimited], keys: [{ name: 'down', key, dailyUsd: 1 }] };
    const h = await startHarness({ default: { kind: 'reply', text: 'ok' } }, options);
    harnesses.push(h);
    const started = Date.now();
    const error = await refusal(message(h));
    expect(error.status).toBe(529);
    expect(error.message).toContain("The server's per-key usage store is unavailable");
    expect(error.message).not.toContain('127.0.0.1');
    expect(Date.now() - started).toBeLessThan(5000);
    const openaiError = await refusal(chat(h));
    expect(openaiError).toBeInstanceOf(OpenAI.InternalServerError);
    expect(openaiError.status).toBe(503);
    expect(h.fake.invocations().filter((i) => !i.argv.includes('--version'))).toHaveLength(0);
    // A key without limits has nothing Redis must check: it is served, uncounted.
    const served = await new Anthropic({ baseURL: h.url, apiKey: unlimited, maxRetries: 0 }).messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(served.content).toEqual([{ type: 'text', text: 'ok' }]);
  });
});
