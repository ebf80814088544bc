/**
 * @module
 * The end-of-batch summary: counts, cost and latency, as aligned text or stable JSON.
 */
import { formatDuration, formatTable, formatUsd } from '../shared/format.js';
import type { LatencyStats } from '../shared/latency-stats.js';

/** Stable JSON summary of a batch run (`batch --json`). */
export interface BatchSummary {
  readonly input: string;
  readonly output: string;
  /** Items in the input. */
  readonly total: number;
  /** Items that succeeded in this run. */
  readonly done: number;
  /** Items that failed in this run. */
  readonly failed: number;
  /** Items skipped because the output already had their result (ok, or failed without `--retry-failed`). */
  readonly skipped: number;
  /** Of the skipped, those whose last result is a failure: `--retry-failed` would run them. */
  readonly previouslyFailed: number;
  /** Items not run because the batch was interrupted. */
  readonly notRun: number;
  readonly interrupted: boolean;
  /** Cost of this run. @unit USD */
  readonly costUsd: number;
  /** Latency of the items finished in this run. @unit milliseconds */
  readonly latencyMs: LatencyStats;
  /** Wall time of this run. @unit milliseconds */
  readonly durationMs: number;
}

/** The summary as text for people. */
export function formatBatchSummary(s: BatchSummary): string {
  const rows = [
    [
      'items',
      `${s.total} (done ${s.done}, failed ${s.failed}, skipped ${s.skipped}${s.notRun ? `, not run ${s.notRun}` : ''})`,
    ],
    ['cost', formatUsd(s.costUsd)],
    [
      'latency',
      s.latencyMs.count === 0
        ? '-'
        : `p50 ${formatDuration(s.latencyMs.p50)} · p95 ${formatDuration(s.latencyMs.p95)} · max ${formatDuration(s.latencyMs.max)}`,
    ],
    ['time', formatDuration(s.durationMs)],
  ];
  const lines = [
    `batch ${s.input} -> ${s.output}${s.interrupted ? ' (interrupted)' : ''}`,
    indent(formatTable(rows)),
  ];
  const failing = s.failed + s.previouslyFailed;
  if (failing > 0) {
    lines.push(`${failing} item${failing === 1 ? '' : 's'} failed; re-run with --retry-failed to try again`);
  }
  if (s.interrupted) lines.push('re-run the same command to finish the remaining items');
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
