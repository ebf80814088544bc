/**
 * @module
 * `claude-wrapper batch <input> --queue <url>`: put the batch's pending items on the Redis queue
 * for `claude-wrapper worker` processes on any number of machines, then follow it like a local
 * batch (progress, the same resumable output file, the same summary and exit code), or with
 * `--detach` leave it running and come back with `batch status` / `batch results`.
 *
 * Which items are pending is decided from the output file exactly as for a local batch; enqueueing
 * is idempotent (one job per item id), so re-running the command adds nothing twice and simply
 * re-attaches.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { redactUrl } from '../../core/errors/index.js';
import { BatchQueue } from '../../queue/batch-queue.js';
import { batchNameProblem } from '../../queue/names.js';
import { CliUsageError } from '../exit-codes.js';
import { exitSoon } from '../shared/exit-soon.js';
import { toRunOptions } from '../shared/run-flags.js';
import { attachBatch } from './attach-batch.js';
import { reportSummary, summarise } from './batch-summary.js';
import type { ItemQueue } from './collect-results.js';
import { lockOutput } from './output-lock.js';
import { batchKeyClient, loadServerOptions } from './batch-key.js';
import { resolveQueueUrl } from './queue-url.js';
import { recordOf, toQueued, type QueuedItemData } from './queued-item.js';
import { readItems } from './read-items.js';
import { planResume } from './resume-plan.js';
import type { BatchRecord } from './results-log.js';
import { defaultOutputPath, type BatchFlags } from './run-batch.js';

/** Flags of `batch --queue`. */
export interface QueueBatchFlags extends BatchFlags {
  readonly queue: string | true;
  readonly name?: string;
  readonly detach?: boolean;
  /** Run the items under the limits of this `server.keys` entry (see {@link batchKeyClient}). */
  readonly keyName?: string;
}

/**
 * The default name of a batch: the input's name and a hash of this machine and the output path,
 * so re-running the same command finds the same batch and someone else's `prompts.jsonl` does not.
 */
export function defaultBatchName(input: string, output: string): string {
  const stem = basename(input)
    .replace(/\.(jsonl|ndjson|json|csv)$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 80);
  const hash = createHash('sha256').update(`${hostname()}\0${output}`).digest('hex').slice(0, 8);
  return `${stem || 'batch'}-${hash}`;
}

/** Run `batch --queue`: exit codes as for a local batch; `--detach` exits 0 once the items are queued. */
export async function runQueuedBatch(input: string, flags: QueueBatchFlags): Promise<void> {
  const started = performance.now();
  const url = resolveQueueUrl(flags.queue, 'batch');
  if (flags.retries !== undefined) {
    throw new CliUsageError('--retries is for local batches: workers retry as their configuration says');
  }
  const items = await readItems(input);
  const base = await toRunOptions(flags);
  if (base.workingDirectory !== undefined) {
    throw new CliUsageError(
      "--cwd does not go with --queue: items run in the worker's directory (worker --cwd)",
    );
  }
  // Refused here rather than by every worker: the name must be one the workers' configuration knows.
  if (flags.keyName !== undefined) batchKeyClient(flags.keyName, loadServerOptions());
  const keyName = flags.keyName === undefined ? {} : { keyName: flags.keyName };
  // Every item is checked before anything is queued.
  const data = new Map(items.map((item) => [item.id, { ...toQueued(item, base), ...keyName }]));
  const output = resolve(flags.output ?? defaultOutputPath(input));
  const name = flags.name ?? defaultBatchName(input, output);
  const problem = batchNameProblem(name);
  if (problem) throw new CliUsageError(`--name: ${problem}`);

  const lock = flags.detach ? undefined : lockOutput(output);
  const notes = { current: (text: string) => void process.stderr.write(`${text}\n`) };
  try {
    const retryFailed = flags.retryFailed === true;
    const { previous, pending, previouslyFailed } = planResume(items, output, retryFailed);
    const queue: ItemQueue = await BatchQueue.open<QueuedItemData, BatchRecord>(url, {
      onOutage: (error) => notes.current(`claude-wrapper: ${error.message}; waiting for it`),
      onRecovered: () => notes.current('claude-wrapper: Redis is back'),
    });
    try {
      const ids = pending.map((item) => item.id);
      if (retryFailed) await forgetFailures(queue, name, ids, previous.latest);
      const queued = await queue.enqueue(
        name,
        pending.map((item) => ({ itemId: item.id, data: data.get(item.id) as QueuedItemData })),
      );
      await queue.saveInfo(name, {
        ids,
        input: resolve(input),
        output,
        createdAt: new Date().toISOString(),
      });
      const skipped = items.length - pending.length;
      if (flags.detach) {
        reportDetached(
          { name, url, total: items.length, queued, alreadyQueued: ids.length - queued, skipped },
          flags,
        );
        return;
      }
      process.stderr.write(
        `claude-wrapper: batch ${name}: ${queued} item(s) queued on ${redactUrl(url)}` +
          `${ids.length > queued ? `, ${ids.length - queued} already there` : ''}` +
          `${skipped > 0 ? `, ${skipped} already in ${output}` : ''}\n`,
      );
      const attached = await attachBatch({
        queue,
        batch: name,
        ids,
        output,
        previous: previous.latest,
        requeue: data,
        wait: true,
        notes,
      });
      const summary = summarise(attached.written, {
        input,
        output,
        queue: name,
        total: items.length,
        skipped: skipped + attached.alreadyWritten.length,
        previouslyFailed:
          (retryFailed ? 0 : previouslyFailed) + attached.alreadyWritten.filter((r) => !r.ok).length,
        pending: ids.length - attached.alreadyWritten.length,
        interrupted: attached.interrupted,
        started,
      });
      reportSummary(summary, flags.json === true);
    } finally {
      await queue.close();
      exitSoon();
    }
  } finally {
    lock?.release();
  }
}

/**
 * `--retry-failed`: the finished jobs whose result is the failure already in the output are
 * deleted, so that enqueueing runs them again. A newer result not yet collected is kept.
 */
async function forgetFailures(
  queue: ItemQueue,
  batch: string,
  ids: readonly string[],
  previous: ReadonlyMap<string, BatchRecord>,
): Promise<void> {
  const failedBefore = ids.filter((id) => previous.get(id)?.ok === false);
  if (failedBefore.length === 0) return;
  const outcomes = await queue.outcomes(batch, failedBefore);
  const stale = failedBefore.filter((id) => {
    const outcome = outcomes.get(id);
    return outcome !== undefined && recordOf(id, outcome)?.ok === false;
  });
  await queue.forget(batch, stale);
}

interface DetachedReport {
  readonly name: string;
  readonly url: string;
  readonly total: number;
  readonly queued: number;
  readonly alreadyQueued: number;
  readonly skipped: number;
}

function reportDetached(report: DetachedReport, flags: QueueBatchFlags): void {
  const { url, ...facts } = report;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...facts, queue: redactUrl(url) }, null, 2)}\n`);
    return;
  }
  // A URL with a password is not repeated, even redacted: it could not be pasted back.
  const queueFlag =
    flags.queue === true
      ? '--queue'
      : redactUrl(url) === url.replace(/\/$/, '')
        ? `--queue ${url}`
        : '--queue <url>';
  process.stdout.write(
    [
      `batch ${report.name}: ${report.queued} item(s) queued on ${redactUrl(url)}` +
        `${report.alreadyQueued > 0 ? `, ${report.alreadyQueued} already there` : ''}` +
        `${report.skipped > 0 ? `, ${report.skipped} already in the output` : ''}`,
      `  progress: claude-wrapper batch status ${report.name} ${queueFlag}`,
      `  results:  claude-wrapper batch results ${report.name} ${queueFlag}`,
      '',
    ].join('\n'),
  );
}
