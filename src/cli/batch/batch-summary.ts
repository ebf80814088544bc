/**
 * @module
 * The end-of-batch summary: counts, cost and latency, as aligned text or stable JSON.
 */
import { ClaudeCodeAbortError } from '../../core/errors/index.js';
import { EXIT } from '../exit-codes.js';
import { formatDuration, formatTable, formatUsd } from '../shared/format.js';
import { summariseLatencies, type LatencyStats } from '../shared/latency-stats.js';
import type { BatchRecord } from './results-log.js';

/** Stable JSON summary of a batch run (`batch --json`). */
export interface BatchSummary {
  readonly input: string;
  readonly output: string;
  /** With `--queue`: the batch's name on the queue (`batch status <name>`). */
  readonly queue?: string;
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

/** What {@link summarise} needs besides the records. */
export interface SummaryFacts {
  readonly input: string;
  readonly output: string;
  readonly queue?: string | undefined;
  readonly total: number;
  readonly skipped: number;
  readonly previouslyFailed: number;
  /** Items this run set out to finish. */
  readonly pending: number;
  readonly interrupted: boolean;
  /** From `performance.now()`. @unit milliseconds */
  readonly started: number;
}

/** The summary of a run that wrote `finished`. */
export function summarise(finished: readonly BatchRecord[], facts: SummaryFacts): BatchSummary {
  const failed = finished.filter((r) => !r.ok).length;
  return {
    input: facts.input,
    output: facts.output,
    ...(facts.queue === undefined ? {} : { queue: facts.queue }),
    total: facts.total,
    done: finished.length - failed,
    failed,
    skipped: facts.skipped,
    previouslyFailed: facts.previouslyFailed,
    notRun: facts.pending - finished.length,
    interrupted: facts.interrupted,
    costUsd: finished.reduce((sum, r) => sum + r.costUsd, 0),
    latencyMs: summariseLatencies(finished.map((r) => r.durationMs)),
    durationMs: Math.round(performance.now() - facts.started),
  };
}

/**
 * Print the summary (text, or JSON with `json`) and set the exit code: 1 when any item's latest
 * result is a failure.
 * @throws {@link ClaudeCodeAbortError} after printing, when the run was interrupted (exit 130).
 */
export function reportSummary(summary: BatchSummary, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatBatchSummary(summary));
  if (summary.interrupted) throw new ClaudeCodeAbortError('SIGINT');
  if (summary.failed + summary.previouslyFailed > 0) process.exitCode = EXIT.runFailed;
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
    `batch ${s.input} -> ${s.output}${s.queue === undefined ? '' : ` (queue batch ${s.queue})`}${s.interrupted ? ' (interrupted)' : ''}`,
    indent(formatTable(rows)),
  ];
  const failing = s.failed + s.previouslyFailed;
  if (failing > 0) {
    lines.push(`${failing} item${failing === 1 ? '' : 's'} failed; re-run with --retry-failed to try again`);
  }
  if (s.interrupted) {
    lines.push(
      s.queue === undefined
        ? 're-run the same command to finish the remaining items'
        : `the items go on running on the workers; collect them with: claude-wrapper batch results ${s.queue} --queue`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
