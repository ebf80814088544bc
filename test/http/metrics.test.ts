/**
 * `/metrics` of a real proxy after a run: each fact (runs, cost, tokens) has exactly one name.
 */
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
        names.filter((name) => pattern.test(name)),
        fact,
      ).toHaveLength(1);
    }
    expect(names).not.toContain('claude_wrapper_runs_total');
    expect(names).not.toContain('claude_wrapper_cost_usd_total');
    expect(names).not.toContain('claude_wrapper_tokens_total');

    expect(sample(page, 'claude_code_runs_total{outcome="success"}')).toBe(1);
    expect(sample(page, 'claude_code_cost_usd_total')).toBeCloseTo(0.125);
    expect(sample(page, 'claude_code_tokens_total{type="input"}')).toBe(7);
    expect(sample(page, 'claude_code_tokens_total{type="output"}')).toBe(3);
    // The proxy's own metrics are still there.
    expect(names).toContain('claude_wrapper_http_requests_total');
    expect(names).toContain('claude_wrapper_runs_in_flight');
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
