/**
 * @module
 * `claude-wrapper benchmark`: the same short prompt N times, C at a time, through the library;
 * reports latency percentiles, throughput and cost.
 */
import { ClaudeCodeAbortError, ClaudeCodeError, ClaudeCodeRunError } from '../../core/errors/index.js';
import { EXIT, isInterrupt, isUsageError } from '../exit-codes.js';
import { createWrapper } from '../shared/create-wrapper.js';
import { formatDuration, formatTable, formatUsd } from '../shared/format.js';
import { listenForInterrupt } from '../shared/interrupt.js';
import { summariseLatencies, type LatencyStats } from '../shared/latency-stats.js';
import { runPool } from '../shared/run-pool.js';
import { toRunOptions, type RunFlags } from '../shared/run-flags.js';
import { startSpinner } from '../shared/spinner.js';

/** Flags of `benchmark`. */
export interface BenchmarkFlags extends RunFlags {
  readonly iterations: number;
  readonly concurrency: number;
  readonly prompt: string;
  readonly json?: boolean;
}

/** Stable JSON result of `benchmark --json`. */
export interface BenchmarkResult {
  readonly iterations: number;
  readonly concurrency: number;
  readonly ok: number;
  readonly failed: number;
  /** Failures by error code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Wall time of all iterations. @unit milliseconds */
  readonly wallMs: number;
  /** Completed requests per second of wall time. */
  readonly throughputRps: number;
  /** Latency of every iteration, failures included. @unit milliseconds */
  readonly latencyMs: LatencyStats;
  /** @unit USD */
  readonly costUsd: number;
}

/** Run `benchmark`; exit code 1 if any iteration failed. */
export async function runBenchmark(flags: BenchmarkFlags): Promise<void> {
  // A benchmark measures the round trip, not tool use: no tools and one model call unless asked.
  const options = { tools: [], maxTurns: 1, ...(await toRunOptions(flags)) };
  const wrapper = createWrapper();
  const interrupt = listenForInterrupt();
  const spinner = startSpinner(`benchmark 0/${flags.iterations}`);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let cost = 0;
  const started = performance.now();
  try {
    const runs = Array.from({ length: flags.iterations }, (_, i) => i);
    await runPool(
      runs,
      async () => {
        const t0 = performance.now();
        try {
          const response = await wrapper.run(flags.prompt, { ...options, signal: interrupt.signal });
          cost += response.metrics.costUsd;
          if (response.isError) throw new ClaudeCodeRunError(response);
        } catch (error) {
          if (isInterrupt(error) || isUsageError(error)) throw error;
          const code = ClaudeCodeError.isInstance(error) ? error.code : 'UNKNOWN';
          errors[code] = (errors[code] ?? 0) + 1;
        }
        latencies.push(performance.now() - t0);
        spinner.update(`benchmark ${latencies.length}/${flags.iterations}`);
      },
      { concurrency: flags.concurrency, signal: interrupt.signal },
    );
  } finally {
    spinner.stop();
    interrupt.dispose();
  }
  if (interrupt.interrupted) throw new ClaudeCodeAbortError('SIGINT');
  const wallMs = performance.now() - started;
  const failed = Object.values(errors).reduce((sum, n) => sum + n, 0);
  const result: BenchmarkResult = {
    iterations: flags.iterations,
    concurrency: flags.concurrency,
    ok: latencies.length - failed,
    failed,
    errors,
    wallMs: Math.round(wallMs),
    throughputRps: Number((latencies.length / (wallMs / 1000)).toFixed(3)),
    latencyMs: summariseLatencies(latencies.map(Math.round)),
    costUsd: cost,
  };
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
  if (failed > 0) process.exitCode = EXIT.runFailed;
}

function formatResult(r: BenchmarkResult): string {
  const rows = [
    ['metric', 'value'],
    ['requests', `${r.iterations} (ok ${r.ok}, failed ${r.failed})`],
    ['concurrency', String(r.concurrency)],
    ['wall time', formatDuration(r.wallMs)],
    ['throughput', `${r.throughputRps.toFixed(2)} req/s`],
    ['latency p50', formatDuration(r.latencyMs.p50)],
    ['latency p95', formatDuration(r.latencyMs.p95)],
    ['latency max', formatDuration(r.latencyMs.max)],
    ['cost total', formatUsd(r.costUsd)],
    ['cost per request', formatUsd(r.iterations > 0 ? r.costUsd / r.iterations : 0)],
  ];
  const errorLines = Object.entries(r.errors).map(([code, n]) => `  ${code}: ${n}`);
  return `${formatTable(rows)}\n${errorLines.length ? `errors:\n${errorLines.join('\n')}\n` : ''}`;
}
