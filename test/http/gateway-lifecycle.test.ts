/**
 * The gateway's request lifecycle over HTTP: the concurrency slot is released however a request
 * ends (client gone mid-stream, gone while the response waits for its first event, failed before
 * output, JSON or SSE), and a full queue answers 529 / 503 with `retry-after` on both APIs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
const params = { model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

async function freed(url: string): Promise<number> {
  for (let i = 0; i < 40; i++) {
    const r = await post(url, params);
    await r.text();
    if (r.status !== 529) return r.status;
    await new Promise((res) => setTimeout(res, 50));
  }
  return 529;
}

describe('gateway request lifecycle over HTTP', () => {
  it('released after a client disconnect mid-stream', async () => {
    harness = await startHarness(
      { default: { kind: 'reply', chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 300 } },
      { maxConcurrent: 1, maxQueue: 0 },
    );
    const c = new AbortController();
    const r = await post(harness.url, { ...params, stream: true }, c.signal);
    await r.body?.getReader().read();
    const busy = await post(harness.url, params);
    expect(busy.status).toBe(529);
    expect(busy.headers.get('retry-after')).toBe('2');
    c.abort();
    await harness.fake.setScenario({ default: { kind: 'reply', text: 'ok' } });
    expect(await freed(harness.url)).toBe(200);
  });
  it('released after a failed JSON and a failed stream', async () => {
    harness = await startHarness(
      { default: { kind: 'api_error', status: 401 } },
      { maxConcurrent: 1, maxQueue: 0 },
    );
    expect((await post(harness.url, params)).status).toBe(401);
    expect((await post(harness.url, { ...params, stream: true })).status).toBe(401);
    await harness.fake.setScenario({ default: { kind: 'reply', text: 'ok' } });
    expect(await freed(harness.url)).toBe(200);
  });
  it('waiting: starts with a ping, then the events; slot freed', async () => {
    harness = await startHarness(
      { startup: { delayMs: 1500 }, default: { kind: 'reply', text: 'late' } },
      { maxConcurrent: 1, maxQueue: 0, ssePingIntervalMs: 200 },
    );
    const t = Date.now();
    const r = await post(harness.url, { ...params, stream: true });
    expect(r.status).toBe(200);
    // The headers come with the first ping, well before the CLI's answer (margin for a loaded CI).
    expect(Date.now() - t).toBeLessThan(1200);
    expect(r.headers.get('x-claude-code-context')).toBe('new');
    const text = await r.text();
    expect(text.startsWith('event: ping')).toBe(true);
    expect(text).toContain('message_stop');
    expect(await freed(harness.url)).toBe(200);
  });
  it('OpenAI overload is 503 with retry-after', async () => {
    harness = await startHarness({ default: { kind: 'hang' } }, { maxConcurrent: 1, maxQueue: 0 });
    void post(harness.url, params).catch(() => undefined);
    await new Promise((res) => setTimeout(res, 300));
    const r = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('2');
  });
  it('waiting then client gone before the first event: slot freed', async () => {
    harness = await startHarness(
      { startup: { delayMs: 1500 }, default: { kind: 'reply', text: 'late' } },
      { maxConcurrent: 1, maxQueue: 0, ssePingIntervalMs: 200 },
    );
    const c = new AbortController();
    const r = await post(harness.url, { ...params, stream: true }, c.signal);
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    await reader.read();
    c.abort();
    await harness.fake.setScenario({ default: { kind: 'reply', text: 'ok' } });
    expect(await freed(harness.url)).toBe(200);
  });
});
