/**
 * @module
 * prom-client metrics of the library itself, on a registry the user can expose (the proxy merges it
 * into `/metrics`). Fed from run outcomes and resilience events, not scattered calls.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { ClaudeCodeResponse } from '../core/response.js';
import { liveGauge } from './live-gauge.js';

const BREAKER_VALUES = { disabled: -1, closed: 0, 'half-open': 1, open: 2 } as const;

/** What the warm pool gauges read at scrape time (the pool's stats have these and more). */
export interface PoolGaugeValues {
  readonly idle: number;
  readonly busy: number;
  readonly spawns: number;
  readonly reuses: number;
  /** Requests served by a process kept for another conversation, rewound. */
  readonly recycled: number;
  /** @unit milliseconds */
  readonly handoffLatencyMs: number;
}

/** Library metrics. */
export class WrapperPrometheus {
  /** Register this with your exporter, or merge it: `Registry.merge([yours, wrapper.metricsRegistry])`. */
  readonly registry = new Registry();
  readonly #runs = new Counter({
    name: 'claude_code_runs_total',
    help: 'Runs by outcome (success, error = CLI-reported failure, exception = thrown)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'claude_code_run_duration_seconds',
    help: 'Run duration including retries',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly #cost = new Counter({
    name: 'claude_code_cost_usd_total',
    help: 'Cost reported by the CLI',
    registers: [this.registry],
  });
  readonly #tokens = new Counter({
    name: 'claude_code_tokens_total',
    help: 'Tokens by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly #retries = new Counter({
    name: 'claude_code_retries_total',
    help: 'Retries made by the wrapper',
    registers: [this.registry],
  });
  readonly #cache = new Counter({
    name: 'claude_code_cache_requests_total',
    help: 'Response cache lookups by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor(live: {
    inFlight: () => number;
    queued: () => number;
    breaker: () => keyof typeof BREAKER_VALUES;
    pool: () => PoolGaugeValues | undefined;
  }) {
    liveGauge(this.registry, 'claude_code_in_flight', 'Runs in progress', live.inFlight);
    liveGauge(this.registry, 'claude_code_queued', 'Runs waiting for a concurrency slot', live.queued);
    liveGauge(
      this.registry,
      'claude_code_circuit_state',
      'Circuit breaker: -1 disabled, 0 closed, 1 half-open, 2 open',
      () => BREAKER_VALUES[live.breaker()],
    );
    liveGauge(
      this.registry,
      'claude_code_pool_idle',
      'Warm pool processes ready',
      () => live.pool()?.idle ?? 0,
    );
    liveGauge(
      this.registry,
      'claude_code_pool_busy',
      'Warm pool processes serving or resetting',
      () => live.pool()?.busy ?? 0,
    );
    liveGauge(
      this.registry,
      'claude_code_pool_spawns',
      'Warm pool processes started so far',
      () => live.pool()?.spawns ?? 0,
    );
    liveGauge(
      this.registry,
      'claude_code_pool_reuses',
      'Requests served by a reused warm process',
      () => live.pool()?.reuses ?? 0,
    );
    liveGauge(
      this.registry,
      'claude_code_pool_recycled',
      'Requests served by a process kept for another conversation, rewound',
      () => live.pool()?.recycled ?? 0,
    );
    liveGauge(
      this.registry,
      'claude_code_pool_handoff_ms',
      'Warm pool hand-off latency p50',
      () => live.pool()?.handoffLatencyMs ?? 0,
    );
  }

  /** A run finished with a response. */
  completed(response: ClaudeCodeResponse, seconds: number): void {
    this.#runs.inc({ outcome: response.isError ? 'error' : 'success' });
    this.#duration.observe(seconds);
    const m = response.metrics;
    if (response.cached) return;
    this.#cost.inc(m.costUsd);
    this.#tokens.inc({ type: 'input' }, m.inputTokens);
    this.#tokens.inc({ type: 'output' }, m.outputTokens);
    this.#tokens.inc({ type: 'cache_read' }, m.cacheReadInputTokens);
    this.#tokens.inc({ type: 'cache_creation' }, m.cacheCreationInputTokens);
  }

  /** A run threw. */
  failed(seconds: number): void {
    this.#runs.inc({ outcome: 'exception' });
    this.#duration.observe(seconds);
  }

  retried(): void {
    this.#retries.inc();
  }

  cacheLookup(hit: boolean): void {
    this.#cache.inc({ result: hit ? 'hit' : 'miss' });
  }
}
