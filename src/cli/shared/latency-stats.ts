/**
 * @module
 * Latency percentiles for `batch` and `benchmark` summaries.
 */

/** Percentiles of a set of durations. @unit milliseconds */
export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Summarise durations with the nearest-rank method (every reported value is one that was measured).
 * All fields are 0 for an empty list.
 */
export function summariseLatencies(durations: readonly number[]): LatencyStats {
  const sorted = [...durations].sort((a, b) => a - b);
  const count = sorted.length;
  if (count === 0) return { count, p50: 0, p95: 0, max: 0, mean: 0 };
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * count) - 1)] ?? 0;
  const total = sorted.reduce((sum, d) => sum + d, 0);
  return {
    count,
    p50: rank(50),
    p95: rank(95),
    max: sorted[count - 1] ?? 0,
    mean: Math.round(total / count),
  };
}
