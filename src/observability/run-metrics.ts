/**
 * @module
 * In-memory summary metrics for `getMetrics()`: counts, cost, tokens and latency percentiles over a
 * bounded window of recent runs.
 */
import type { ClaudeCodeResponse } from '../core/response.js';

/** Snapshot returned by `ClaudeCodeWrapper.getMetrics()`. */
export interface WrapperMetrics {
  /** Runs started. */
  readonly requests: number;
  /** Runs that produced a successful response. */
  readonly successes: number;
  /** Runs that threw or that the CLI reported as failed. */
  readonly errors: number;
  /** Failures by error code / error type. */
  readonly errorsByType: Readonly<Record<string, number>>;
  readonly totalCostUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheCreationInputTokens: number;
  /** Latency percentiles over the recent window. @unit milliseconds */
  readonly latencyMs: {
    readonly p50: number;
    readonly p95: number;
    readonly max: number;
    readonly samples: number;
  };
  /** Runs currently in progress. */
  readonly inFlight: number;
}

/** Mutable recorder behind {@link WrapperMetrics}. */
export class RunMetricsRecorder {
  readonly #window: number;
  readonly #latencies: number[] = [];
  readonly #errorsByType: Record<string, number> = {};
  #requests = 0;
  #successes = 0;
  #errors = 0;
  #cost = 0;
  #input = 0;
  #output = 0;
  #cacheRead = 0;
  #cacheCreation = 0;
  #inFlight = 0;

  constructor(window = 1000) {
    this.#window = window;
  }

  /** A run started. */
  started(): void {
    this.#requests += 1;
    this.#inFlight += 1;
  }

  /** A run ended with a response (which may carry `isError`). */
  completed(response: ClaudeCodeResponse): void {
    this.#inFlight -= 1;
    const m = response.metrics;
    this.#cost += m.costUsd;
    this.#input += m.inputTokens;
    this.#output += m.outputTokens;
    this.#cacheRead += m.cacheReadInputTokens;
    this.#cacheCreation += m.cacheCreationInputTokens;
    this.#addLatency(response.executionTimeMs);
    if (response.isError) this.#countError(response.errorType ?? 'execution_error');
    else this.#successes += 1;
  }

  /** A run threw. */
  failed(code: string, durationMs: number): void {
    this.#inFlight -= 1;
    this.#addLatency(durationMs);
    this.#countError(code);
  }

  /** Current snapshot. */
  snapshot(): WrapperMetrics {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    return {
      requests: this.#requests,
      successes: this.#successes,
      errors: this.#errors,
      errorsByType: { ...this.#errorsByType },
      totalCostUsd: this.#cost,
      inputTokens: this.#input,
      outputTokens: this.#output,
      cacheReadInputTokens: this.#cacheRead,
      cacheCreationInputTokens: this.#cacheCreation,
      latencyMs: {
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        max: sorted.at(-1) ?? 0,
        samples: sorted.length,
      },
      inFlight: this.#inFlight,
    };
  }

  #countError(key: string): void {
    this.#errors += 1;
    this.#errorsByType[key] = (this.#errorsByType[key] ?? 0) + 1;
  }

  #addLatency(ms: number): void {
    this.#latencies.push(ms);
    if (this.#latencies.length > this.#window) this.#latencies.shift();
  }
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
