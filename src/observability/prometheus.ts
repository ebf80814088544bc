/**
 * @module
 * Prometheus metrics (prom-client) on a registry of our own, so embedding applications keep theirs.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { liveGauge } from './live-gauge.js';
import { registerProcessTreeMetrics } from './process-tree-metrics.js';

/**
 * The proxy's own metrics on `/metrics`: HTTP requests and the proxy's run slots. Runs, cost and
 * tokens are the library's (`claude_code_*`, {@link WrapperPrometheus}), merged into the same page.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'claude_wrapper_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  /**
   * Error answers by type (the API-neutral types of `compat/problem.ts`, named after the Anthropic
   * error types) and the status the error maps to: status-line errors and errors sent inside a stream
   * (whose HTTP status was already 200) alike.
   */
  readonly errors = new Counter({
    name: 'claude_wrapper_errors_total',
    help: 'Error answers by type and the status it maps to (mid-stream errors included)',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });
  /**
   * The cost of answered requests by caller (`client`: the API key's fingerprint, as in the access
   * log). A breakdown of the same runs as the library's `claude_code_cost_usd_total`, which stays
   * the one total: sum over `client` to compare, never add the two.
   */
  readonly clientCost = new Counter({
    name: 'claude_wrapper_client_cost_usd_total',
    help: 'Cost reported by the CLI for answered requests, by API key fingerprint (a breakdown of claude_code_cost_usd_total)',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'claude_wrapper_http_request_duration_seconds',
    help: 'HTTP request duration (until the last byte for streams)',
    labelNames: ['route'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  /** @param gauges Live values read at scrape time. */
  constructor(gauges: { inFlight: () => number; queued: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'claude_wrapper_' });
    liveGauge(this.registry, 'claude_wrapper_runs_in_flight', 'CLI runs executing now', gauges.inFlight);
    liveGauge(this.registry, 'claude_wrapper_runs_queued', 'Requests waiting for a CLI slot', gauges.queued);
    registerProcessTreeMetrics(this.registry, 'claude_wrapper_');
  }
}
