/**
 * `/metrics` of a real proxy after a run: each fact (runs, cost, tokens) has exactly one name; the
 * proxy's per-caller cost is a breakdown of that one total, and error answers are counted by type.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The metric names on a Prometheus text page (from its `# TYPE` lines). */
function metricNames(page: string): string[] {
  return [...page.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? '');
}

/** The value of one sample line, e.g. `claude_code_runs_total{outcome="success"}`. */
function sample(page: string, series: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The value of the sample of `name` carrying exactly `labels` (in any order). */
function labelled(page: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of page.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    if ((match[2] ?? '').split(',').sort().join(',') === want) return Number(match[3]);
  }
  return undefined;
}

/** The proxy's breakdowns of a library total (same runs, one label more): not a second total. */
const BREAKDOWNS = ['claude_wrapper_client_cost_usd_total'];

describe('/metrics', () => {
  it('exports runs, cost and tokens once each, counted for the run', async () => {
    harness = await startHarness({
      default: {
        kind: 'reply',
        text: 'counted',
        costUsd: 0.125,
        usage: { input_tokens: 7, output_tokens: 3 },
      },
    });
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-sonnet-5-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'count me' }],
      }),
    });
    expect(response.status).toBe(200);
    await response.json();

    const page = await (await fetch(`${harness.url}/metrics`)).text();
    const names = metricNames(page);
    for (const [fact, pattern] of [
      ['runs', /_runs_total$/],
      ['cost', /_cost_usd_total$/],
      ['tokens', /_tokens_total$/],
    ] as const) {
      expect(
        names.filter((name) => pattern.test(name) && !BREAKDOWNS.includes(name)),
        fact,
      ).toHaveLength(1);
    }
    expect(names).not.toContain('claude_wrapper_runs_total');
    expect(names).not.toContain('claude_wrapper_cost_usd_total');
    expect(names).not.toContain('claude_wrapper_tokens_total');

    expect(sample(page, 'claude_code_runs_total{outcome="success"}')).toBe(1);
    expect(sample(page, 'claude_code_cost_usd_total')).toBeCloseTo(0.125);
    // The same cost, by caller (no keys configured: `anonymous`).
    expect(labelled(page, 'claude_wrapper_client_cost_usd_total', { client: 'anonymous' })).toBeCloseTo(
      0.125,
    );
    expect(sample(page, 'claude_code_tokens_total{type="input"}')).toBe(7);
    expect(sample(page, 'claude_code_tokens_total{type="output"}')).toBe(3);
    // The proxy's own metrics are still there.
    expect(names).toContain('claude_wrapper_http_requests_total');
    expect(names).toContain('claude_wrapper_runs_in_flight');
  });

  it('counts cost per API key and error answers by type, inside a stream too', async () => {
    const keys = ['sk-test-key-one', 'sk-test-key-two'];
    harness = await startHarness(
      {
        // One CLI process per request, in order.
        byInvocation: [
          { kind: 'reply', text: 'one', costUsd: 0.5 },
          { kind: 'reply', text: 'two', costUsd: 0.25 },
          { kind: 'reply', text: 'three', costUsd: 0.125 },
          { kind: 'stall_after_text', text: 'partial' },
        ],
      },
      // Long enough for a fake CLI starting on a loaded machine to answer; the stall below waits it out.
      { apiKeys: keys, wrapper: { idleTimeoutMs: 1500 } },
    );
    const url = harness.url;
    const ask = (key: string, content: string, stream = false) =>
      fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({
          model: 'claude-sonnet-5-5',
          max_tokens: 10,
          stream,
          messages: [{ role: 'user', content }],
        }),
      });
    for (const [key, content] of [
      [keys[0], 'a'],
      [keys[1], 'b'],
      [keys[0], 'c'],
    ] as const) {
      const response = await ask(key ?? '', content);
      expect(response.status).toBe(200);
      await response.json();
    }
    // Errors: a bad body (400), no key (401), an unknown route (404), and a stream that stalls
    // after its first text: the idle timeout arrives as an error event after a 200.
    expect((await fetch(`${url}/v1/messages`, { method: 'POST', body: '{}' })).status).toBe(401);
    const invalid = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keys[0] ?? '' },
      body: '{}',
    });
    expect(invalid.status).toBe(400);
    expect((await fetch(`${url}/v1/nothing-here`, { headers: { 'x-api-key': keys[0] ?? '' } })).status).toBe(
      404,
    );
    const stalled = await ask(keys[1] ?? '', 'd', true);
    expect(stalled.status).toBe(200);
    expect(await stalled.text()).toContain('event: error');

    // The access log counts a request once its response has closed: read until the last one is in.
    let page = '';
    for (let tries = 0; tries < 100; tries += 1) {
      page = await (await fetch(`${url}/metrics`, { headers: { 'x-api-key': keys[0] ?? '' } })).text();
      if (labelled(page, 'claude_wrapper_errors_total', { type: 'timeout_error', status: '504' })) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const fingerprint = (key: string): string =>
      `key_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
    const costOf = (key: string) =>
      labelled(page, 'claude_wrapper_client_cost_usd_total', { client: fingerprint(key) });
    expect(costOf(keys[0] ?? '')).toBeCloseTo(0.625);
    expect(costOf(keys[1] ?? '')).toBeCloseTo(0.25);
    // The breakdown adds up to the one total.
    expect(sample(page, 'claude_code_cost_usd_total')).toBeCloseTo(0.875);
    for (const [type, status] of [
      ['authentication_error', '401'],
      ['invalid_request_error', '400'],
      ['not_found_error', '404'],
      ['timeout_error', '504'],
    ] as const) {
      expect(labelled(page, 'claude_wrapper_errors_total', { type, status }), type).toBe(1);
    }
  });

  it.runIf(process.platform === 'linux')(
    'reports memory and CPU of the server with all its CLI children',
    async () => {
      harness = await startHarness();
      const page = await (await fetch(`${harness.url}/metrics`)).text();
      // At least this process itself: the tree's RSS is never below the server's own.
      expect(sample(page, 'claude_wrapper_process_tree_rss_bytes')).toBeGreaterThanOrEqual(
        sample(page, 'claude_wrapper_process_resident_memory_bytes') ?? Infinity,
      );
      expect(sample(page, 'claude_wrapper_process_tree_pss_bytes')).toBeGreaterThan(0);
      expect(sample(page, 'claude_wrapper_process_tree_processes')).toBeGreaterThanOrEqual(1);
      expect(sample(page, 'claude_wrapper_process_tree_cpu_seconds_total')).toBeGreaterThan(0);
    },
  );
});
