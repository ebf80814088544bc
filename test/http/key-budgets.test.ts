/**
 * Per-key limits through the proxy (fake CLI behind it), as the official `@anthropic-ai/sdk` and
 * `openai` clients see them: requests per minute, runs at once, spend per day and per month, each
 * a 429 `rate_limit_error` in the route's API shape, naming the limit and the key, with
 * `retry-after`; `GET /v1/usage`; spend surviving a restart on the embedded store.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from '../../src/http/server.js';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { startHarness, type Harness } from './server-harness.js';

const CI_KEY = 'sk-ci-key-0123456789';
const OTHER_KEY = 'sk-other-key-0123456789';

let harnesses: Harness[] = [];
const roots: string[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(harnesses.map((h) => h.close()));
  harnesses = [];
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function start(
  options: ServerOptionsInput,
  scenario: Parameters<typeof startHarness>[0] = { default: { kind: 'reply', text: 'ok', costUsd: 0.0006 } },
): Promise<Harness> {
  const harness = await startHarness(scenario, options);
  harnesses.push(harness);
  return harness;
}

const anthropic = (h: Harness, apiKey = CI_KEY) => new Anthropic({ baseURL: h.url, apiKey, maxRetries: 0 });
const openai = (h: Harness, apiKey = CI_KEY) => new OpenAI({ baseURL: `${h.url}/v1`, apiKey, maxRetries: 0 });

const message = (h: Harness, apiKey = CI_KEY) =>
  anthropic(h, apiKey).messages.create({
    model: 'claude-sonnet-5-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
  });
const chat = (h: Harness, apiKey = CI_KEY) =>
  openai(h, apiKey).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
const responses = (h: Harness, apiKey = CI_KEY) =>
  openai(h, apiKey).responses.create({ model: 'gpt-4o', input: 'hi' });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a refusal'),
    (error: unknown) => error,
  );
}

/** An Anthropic SDK RateLimitError in Anthropic's shape, with its message and retry-after. */
async function anthropicRefusal(promise: Promise<unknown>, messagePattern: RegExp) {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(Anthropic.RateLimitError);
  const limited = error as InstanceType<typeof Anthropic.RateLimitError>;
  expect(limited.status).toBe(429);
  expect(limited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  const said = (limited.error as { error: { message: string } }).error.message;
  expect(said).toMatch(messagePattern);
  // The SDK's own message carries it (after the status and the body).
  expect(limited.message).toContain(said);
  return { retryAfter: Number(limited.headers?.get('retry-after')), headers: limited.headers };
}

/** An OpenAI SDK RateLimitError in OpenAI's shape, with its message and retry-after. */
async function openaiRefusal(promise: Promise<unknown>, messagePattern: RegExp) {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
  expect(limited.status).toBe(429);
  expect(limited.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
  const said = (limited.error as { message: string }).message;
  expect(said).toMatch(messagePattern);
  expect(limited.message).toContain(said);
  return { retryAfter: Number(limited.headers.get('retry-after')), headers: limited.headers };
}

interface WireLimit {
  used: number;
  limit: number | null;
  remaining: number | null;
  resets_at?: string | null;
}
interface UsageBody {
  object: string;
  key: { name: string | null; id: string };
  requests_per_minute: WireLimit;
  concurrent_runs: WireLimit;
  daily_usd: WireLimit;
  monthly_usd: WireLimit;
}

async function usageOf(h: Harness, apiKey = CI_KEY): Promise<UsageBody> {
  const response = await fetch(`${h.url}/v1/usage`, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as UsageBody;
}

const secondsToMidnightUtc = () => {
  const now = new Date();
  return (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
};

describe('per-key requests per minute', () => {
  it('refuses the key over its own limit in both API shapes, other keys and /v1/usage unaffected', async () => {
    const h = await start({
      apiKeys: [OTHER_KEY],
      requestsPerMinute: 5,
      keys: [{ name: 'ci', key: CI_KEY, requestsPerMinute: 2 }],
    });
    await message(h);
    await chat(h);
    const pattern = /^Rate limit of 2 requests per minute for key 'ci' reached\.$/;
    const refused = await anthropicRefusal(message(h), pattern);
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(refused.retryAfter).toBeLessThanOrEqual(60);
    // Retrying within the minute makes sense: no x-should-retry: false.
    expect(refused.headers?.get('x-should-retry')).toBeNull();
    const refusedOpenAI = await openaiRefusal(responses(h), pattern);
    expect(refusedOpenAI.retryAfter).toBeGreaterThan(0);
    // A flat key has the server's limit, named by its fingerprint.
    for (let i = 0; i < 5; i += 1) await openai(h, OTHER_KEY).models.list();
    await openaiRefusal(
      chat(h, OTHER_KEY),
      /^Rate limit of 5 requests per minute for key 'key_[0-9a-f]{12}' reached\.$/,
    );
    // Asking for the usage is never refused and does not count.
    const usage = await usageOf(h);
    expect((await usageOf(h)).requests_per_minute).toEqual(usage.requests_per_minute);
    expect(usage.requests_per_minute).toMatchObject({ used: 4, limit: 2, remaining: 0 });
    expect(Date.parse(usage.requests_per_minute.resets_at ?? '')).toBeGreaterThan(Date.now());
  });
});

describe('per-key runs at once', () => {
  it('refuses a run beyond maxConcurrent in both API shapes and admits the next once one ends', async () => {
    const h = await start(
      {
        keys: [
          { name: 'ci', key: CI_KEY, maxConcurrent: 1 },
          { name: 'other', key: OTHER_KEY },
        ],
      },
      { default: { kind: 'reply', chunks: ['slow ', 'answer'], chunkDelayMs: 400 } },
    );
    const running = message(h);
    await vi.waitFor(async () => expect((await usageOf(h)).concurrent_runs.used).toBe(1), {
      timeout: 5000,
    });
    expect((await usageOf(h)).concurrent_runs).toEqual({ used: 1, limit: 1, remaining: 0 });
    const pattern = /^Concurrency limit of 1 run at once for key 'ci' reached\.$/;
    expect((await anthropicRefusal(message(h), pattern)).retryAfter).toBe(1);
    expect((await openaiRefusal(chat(h), pattern)).retryAfter).toBe(1);
    await openaiRefusal(responses(h), pattern);
    // Another key is not held back by this one.
    await message(h, OTHER_KEY);
    expect((await running).content).toEqual([{ type: 'text', text: 'slow answer' }]);
    expect((await usageOf(h)).concurrent_runs.used).toBe(0);
    await chat(h);
  });

  it('gives the place back when a streaming client goes away mid-answer', async () => {
    const h = await start(
      { keys: [{ name: 'ci', key: CI_KEY, maxConcurrent: 1 }] },
      { default: { kind: 'reply', chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 500 } },
    );
    const controller = new AbortController();
    const stream = await anthropic(h).messages.create(
      {
        model: 'claude-sonnet-5-5',
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      },
      { signal: controller.signal },
    );
    for await (const event of stream) if (event.type === 'content_block_delta') break;
    controller.abort();
    await vi.waitFor(async () => expect((await usageOf(h)).concurrent_runs.used).toBe(0), { timeout: 5000 });
  });
});

describe('per-key spend', () => {
  it('lets the run that crosses the daily budget finish, then refuses the key until midnight UTC', async () => {
    const h = await start({ keys: [{ name: 'ci', key: CI_KEY, dailyUsd: 0.001 }] });
    await message(h);
    // Streamed answers are charged too.
    const stream = await openai(h).chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const chunk of stream) void chunk;
    const pattern =
      /^Daily budget of \$0\.001 for key 'ci' reached: \$0\.0012 spent today \(\d{4}-\d\d-\d\d, UTC\); it resets at \d{4}-\d\d-\d\dT00:00:00\.000Z\.$/;
    const refused = await anthropicRefusal(message(h), pattern);
    expect(Math.abs(refused.retryAfter - secondsToMidnightUtc())).toBeLessThan(5);
    // Nothing changes before midnight: the SDKs are told not to retry.
    expect(refused.headers?.get('x-should-retry')).toBe('false');
    const refusedChat = await openaiRefusal(chat(h), pattern);
    expect(refusedChat.headers.get('x-should-retry')).toBe('false');
    await openaiRefusal(responses(h), pattern);
    const usage = await usageOf(h);
    expect(usage).toMatchObject({
      object: 'key_usage',
      key: { name: 'ci' },
      daily_usd: { used: 0.0012, limit: 0.001, remaining: 0 },
      monthly_usd: { used: 0.0012, limit: null, remaining: null },
      concurrent_runs: { used: 0, limit: null, remaining: null },
    });
    expect(usage.key.id).toMatch(/^key_[0-9a-f]{12}$/);
    expect(Date.parse(usage.daily_usd.resets_at ?? '')).toBeGreaterThan(Date.now());
    expect(usage.daily_usd.resets_at).toMatch(/T00:00:00\.000Z$/);
    expect(usage.monthly_usd.resets_at).toMatch(/-01T00:00:00\.000Z$/);
  });

  it('refuses the key over its monthly budget until the 1st, naming the month', async () => {
    const h = await start(
      { keys: [{ name: 'batch', key: CI_KEY, dailyUsd: 10, monthlyUsd: 0.5 }] },
      { default: { kind: 'reply', text: 'pricey', costUsd: 0.75 } },
    );
    await chat(h);
    const refused = await openaiRefusal(
      chat(h),
      /^Monthly budget of \$0\.50 for key 'batch' reached: \$0\.75 spent in \d{4}-\d\d \(UTC\); it resets at \d{4}-\d\d-01T00:00:00\.000Z\.$/,
    );
    expect(refused.retryAfter).toBeGreaterThanOrEqual(Math.floor(secondsToMidnightUtc()));
    const usage = await usageOf(h);
    expect(usage.daily_usd).toMatchObject({ used: 0.75, limit: 10, remaining: 9.25 });
    expect(usage.monthly_usd).toMatchObject({ used: 0.75, limit: 0.5, remaining: 0 });
  });

  it('keeps the spend across a restart on the embedded store, by fingerprint, never the key', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ccw-usage-'));
    roots.push(root);
    const options = {
      usageStorePath: join(root, 'usage'),
      keys: [{ name: 'ci', key: CI_KEY, dailyUsd: 0.001 }],
    };
    const first = await start(options);
    await message(first);
    await message(first);
    await first.close();
    harnesses = harnesses.filter((h) => h !== first);

    const second = await start(options);
    expect((await usageOf(second)).daily_usd).toMatchObject({ used: 0.0012, remaining: 0 });
    await anthropicRefusal(message(second), /^Daily budget of \$0\.001 for key 'ci' reached/);
    await second.close();
    harnesses = harnesses.filter((h) => h !== second);

    const files = readdirSync(options.usageStorePath);
    expect(files).toContain('data.mdb');
    const stored = Buffer.concat(files.map((file) => readFileSync(join(options.usageStorePath, file))));
    expect(stored.includes(CI_KEY)).toBe(false);
    expect(stored.includes('key_')).toBe(true);
  });
});

describe('server.keys configuration', () => {
  it('reads a key from the variable keyEnv names, and refuses a configuration without it', async () => {
    vi.stubEnv('CCW_TEST_CI_KEY', CI_KEY);
    const h = await start({ keys: [{ name: 'ci', keyEnv: 'CCW_TEST_CI_KEY', maxConcurrent: 3 }] });
    expect((await usageOf(h)).concurrent_runs.limit).toBe(3);
    expect((await fetch(`${h.url}/v1/usage`, { headers: { 'x-api-key': 'sk-wrong-0123456' } })).status).toBe(
      401,
    );
    expect(() =>
      createServer({
        sessionStorePath: ':memory:',
        usageStorePath: ':memory:',
        keys: [{ name: 'ci', keyEnv: 'CCW_TEST_UNSET_KEY' }],
      }),
    ).toThrow(/keys\[0\]\.keyEnv: environment variable CCW_TEST_UNSET_KEY is not set/);
    expect(() =>
      createServer({
        sessionStorePath: ':memory:',
        usageStorePath: ':memory:',
        keys: [{ name: 'ci', key: CI_KEY, keyEnv: 'CCW_TEST_CI_KEY' }],
      }),
    ).toThrow(/give exactly one of key and keyEnv/);
    let caught: unknown;
    try {
      createServer({
        sessionStorePath: ':memory:',
        usageStorePath: ':memory:',
        keys: [
          { name: 'a', key: CI_KEY },
          { name: 'b', key: CI_KEY },
        ],
      });
    } catch (error) {
      caught = error;
    }
    expect(String(caught)).toMatch(/keys\[1\]\.name: the same key as keys\[0\]/);
    // The message names the entry, never the key.
    expect(String(caught)).not.toContain(CI_KEY);
    // Named keys alone are keys enough to listen beyond loopback.
    expect(() =>
      createServer({
        host: '0.0.0.0',
        sessionStorePath: ':memory:',
        usageStorePath: ':memory:',
        keys: [{ name: 'ci', key: CI_KEY }],
      }),
    ).not.toThrow();
  });

  it('counts a server without keys by the anonymous caller, with no limits', async () => {
    const h = await start({});
    await message(h, 'anything-goes');
    const usage = (await (await fetch(`${h.url}/v1/usage`)).json()) as UsageBody;
    expect(usage.key).toEqual({ name: null, id: 'anonymous' });
    expect(usage.daily_usd).toMatchObject({ limit: null, remaining: null });
    expect(usage.requests_per_minute).toMatchObject({ limit: null });
  });
});
