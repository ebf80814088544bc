/**
 * @module
 * Prometheus metrics (prom-client) on a registry of our own, so embedding applications keep theirs.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { liveGauge } from './live-gauge.js';

/** Cost and token counts of one run, as far as they are known. */
export interface RunUsageSample {
  readonly costUsd?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheCreationInputTokens?: number;
}

/** The metrics the proxy exposes on `/metrics`. */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'claude_wrapper_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'claude_wrapper_http_request_duration_seconds',
    help: 'HTTP request duration (until the last byte for streams)',
    labelNames: ['route'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly runs = new Counter({
    name: 'claude_wrapper_runs_total',
    help: 'CLI runs by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly costUsd = new Counter({
    name: 'claude_wrapper_cost_usd_total',
    help: 'Cost reported by the CLI, in USD',
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 'claude_wrapper_tokens_total',
    help: 'Tokens reported by the CLI',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  /** @param gauges Live values read at scrape time. */
  constructor(gauges: { inFlight: () => number; queued: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'claude_wrapper_' });
    liveGauge(this.registry, 'claude_wrapper_runs_in_flight', 'CLI runs executing now', gauges.inFlight);
    liveGauge(this.registry, 'claude_wrapper_runs_queued', 'Requests waiting for a CLI slot', gauges.queued);
  }

  /** Record a finished run with what is known of its cost and usage. */
  recordRun(outcome: 'success' | 'error', usage: RunUsageSample = {}): void {
    this.runs.inc({ outcome });
    if (usage.costUsd) this.costUsd.inc(usage.costUsd);
    for (const [type, value] of [
      ['input', usage.inputTokens],
      ['output', usage.outputTokens],
      ['cache_read', usage.cacheReadInputTokens],
      ['cache_creation', usage.cacheCreationInputTokens],
    ] as const) {
      if (value) this.tokens.inc({ type }, value);
    }
  }
}
