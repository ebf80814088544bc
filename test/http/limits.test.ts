/**
 * Security defaults and limits of the proxy.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeCodeConfigurationError } from '../../src/index.js';
import { createServer } from '../../src/http/server.js';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('proxy safety and limits', () => {
  it('refuses to bind beyond loopback without an API key', () => {
    expect(() => createServer({ host: '0.0.0.0', sessionStorePath: ':memory:' })).toThrow(
      ClaudeCodeConfigurationError,
    );
    expect(() =>
      createServer({ host: '0.0.0.0', apiKeys: ['sk-long-enough-key'], sessionStorePath: ':memory:' }),
    ).not.toThrow();
  });

  it('accepts x-api-key and Bearer, rejects missing or wrong keys', async () => {
    harness = await startHarness({}, { apiKeys: ['sk-secret-key-1'] });
    const body = { model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
    expect((await fetch(`${harness.url}/v1/messages`, json(body))).status).toBe(401);
    expect(
      (await fetch(`${harness.url}/v1/messages`, json(body, { 'x-api-key': 'nope-nope-nope' }))).status,
    ).toBe(401);
    expect(
      (await fetch(`${harness.url}/v1/messages`, json(body, { 'x-api-key': 'sk-secret-key-1' }))).status,
    ).toBe(200);
    expect(
      (await fetch(`${harness.url}/v1/messages`, json(body, { authorization: 'Bearer sk-secret-key-1' })))
        .status,
    ).toBe(200);
    expect((await fetch(`${harness.url}/metrics`)).status).toBe(401);
  });

  it('answers 413 for an oversized body', async () => {
    harness = await startHarness({}, { maxBodyBytes: 1000 });
    const response = await fetch(
      `${harness.url}/v1/messages`,
      json({ model: 'x', max_tokens: 1, messages: [{ role: 'user', content: 'y'.repeat(5000) }] }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  it('counts a chunked body without content-length against the limit too', async () => {
    harness = await startHarness(
      { default: { kind: 'reply', text: 'small enough' } },
      { maxBodyBytes: 1000 },
    );
    const chunked = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 100) controller.enqueue(bytes.slice(i, i + 100));
          controller.close();
        },
      });
      // A stream body goes out as `transfer-encoding: chunked`, with no length to check up front.
      return { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' };
    };
    const url = `${harness.url}/v1/messages`;
    const big = JSON.stringify({
      model: 'x',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'y'.repeat(5000) }],
    });
    const over = await fetch(url, chunked(big) as RequestInit);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { type: 'request_too_large' } });
    const small = JSON.stringify({
      model: 'claude-sonnet-5-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const ok = await fetch(url, chunked(small) as RequestInit);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ content: [{ text: 'small enough' }] });
  });

  it('rate-limits per key with retry-after', async () => {
    harness = await startHarness({}, { requestsPerMinute: 2 });
    const body = { model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await fetch(`${harness.url}/v1/messages`, json(body)));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(Number(statuses[2]?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await statuses[2]?.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it('serves /health and Prometheus /metrics', async () => {
    harness = await startHarness();
    await fetch(`${harness.url}/v1/models`);
    const health = await fetch(`${harness.url}/health/details`);
    const report = (await health.json()) as { binary: { version: string }; load: unknown };
    expect(report.binary.version).toBe('9.9.9');
    expect(report.load).toBeDefined();
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toContain('claude_wrapper_http_requests_total');
    expect(metrics).toContain('claude_wrapper_runs_in_flight');
  });

  it('gives every malformed body a structured 4xx and never crashes (fuzz)', async () => {
    harness = await startHarness();
    const { app } = harness.server;
    const arbitraryBody = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record(
          {
            model: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            max_tokens: fc.oneof(fc.integer(), fc.string(), fc.double()),
            messages: fc.oneof(
              fc.array(
                fc.record({
                  role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'tool'), fc.string()),
                  content: fc.anything(),
                }),
                { maxLength: 4 },
              ),
              fc.anything(),
            ),
            stream: fc.anything(),
            system: fc.anything(),
            stop_sequences: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(
        arbitraryBody,
        fc.constantFrom('/v1/messages', '/v1/chat/completions', '/v1/messages/count_tokens'),
        async (body, path) => {
          const response = await app.request(path, json(body));
          const payload = (await response.json()) as Record<string, unknown>;
          if (response.status >= 400) {
            expect(response.status).toBeLessThan(500);
            if (path === '/v1/chat/completions') expect(payload).toHaveProperty('error.message');
            else
              expect(payload).toMatchObject({
                type: 'error',
                error: { type: expect.any(String), message: expect.any(String) },
              });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
