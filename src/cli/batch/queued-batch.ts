/**
 * @module
 * `batch status <name>` and `batch results <name>`: look at a queued batch from any machine, by its
 * name alone (the submitter recorded its item ids and output path in Redis).
 */
import { resolve } from 'node:path';
import { redactUrl } from '../../core/errors/index.js';
import { BatchQueue, type BatchInfo } from '../../queue/batch-queue.js';
import { CliUsageError } from '../exit-codes.js';
import { exitSoon } from '../shared/exit-soon.js';
import { formatTable } from '../shared/format.js';
import { attachBatch } from './attach-batch.js';
import { reportSummary, summarise } from './batch-summary.js';
import type { ItemQueue } from './collect-results.js';
import { lockOutput } from './output-lock.js';
import { resolveQueueUrl } from './queue-url.js';
import { recordOf, type QueuedItemData } from './queued-item.js';
import { readResults, type BatchRecord } from './results-log.js';

/** Flags of `batch status`. */
export interface BatchStatusFlags {
  readonly queue?: string | true;
  readonly json?: boolean;
}

/** Flags of `batch results`. */
export interface BatchResultsFlags extends BatchStatusFlags {
  readonly output?: string;
  /** `--no-wait`: collect what is finished and return. */
  readonly wait?: boolean;
}

/** Counts of `batch status --json`. */
export interface BatchStatus {
  readonly name: string;
  readonly input: string | null;
  readonly output: string | null;
  readonly createdAt: string;
  readonly total: number;
  /** Finished with a successful result. */
  readonly done: number;
  /** Finished with a failure (the item's, or the queue gave up on it). */
  readonly failed: number;
  readonly running: number;
  readonly waiting: number;
  /** No longer in Redis (expired, or lost in a restart without persistence). */
  readonly missing: number;
  /** Workers connected to the queue (all batches); null when Redis will not say. */
  readonly workers: number | null;
}

/** Print where batch `name` stands. Exit 0; 2 when no such batch is known. */
export async function runBatchStatus(name: string, flags: BatchStatusFlags): Promise<void> {
  const url = resolveQueueUrl(flags.queue, 'batch status');
  await withBatch(url, name, async (queue, info) => {
    const [outcomes, running, workers] = await Promise.all([
      queue.outcomes(name, info.ids),
      queue.running(name),
      queue.workerCount(),
    ]);
    let done = 0;
    let failed = 0;
    let missing = 0;
    for (const [id, outcome] of outcomes) {
      const record = recordOf(id, outcome);
      if (record?.ok === true) done += 1;
      else if (record?.ok === false) failed += 1;
      else if (outcome.state === 'missing') missing += 1;
    }
    const stillRunning = [...running].filter((id) => outcomes.get(id)?.state === 'pending').length;
    const status: BatchStatus = {
      name,
      input: info.input ?? null,
      output: info.output ?? null,
      createdAt: info.createdAt,
      total: info.ids.length,
      done,
      failed,
      running: stillRunning,
      waiting: info.ids.length - done - failed - missing - stillRunning,
      missing,
      workers: workers ?? null,
    };
    process.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, url));
  });
}

/**
 * Write the finished results of batch `name` to its output file (the submitter's path, or
 * `--output`), waiting for the rest unless `--no-wait`. Exit codes as for `batch`.
 */
export async function runBatchResults(name: string, flags: BatchResultsFlags): Promise<void> {
  const started = performance.now();
  const url = resolveQueueUrl(flags.queue, 'batch results');
  const notes = { current: (text: string) => void process.stderr.write(`${text}\n`) };
  await withBatch(
    url,
    name,
    async (queue, info) => {
      const output = resolve(flags.output ?? info.output ?? `${name}.out.jsonl`);
      const lock = lockOutput(output);
      try {
        const previous = readResults(output).latest;
        const attached = await attachBatch({
          queue,
          batch: name,
          ids: info.ids,
          output,
          previous,
          wait: flags.wait !== false,
          notes,
        });
        if (attached.missing.length > 0) {
          process.stderr.write(
            `claude-wrapper: ${attached.missing.length} item(s) of ${name} are no longer in Redis ` +
              `(expired, or Redis restarted without persistence); re-run batch <input> --queue to queue them again\n`,
          );
        }
        const summary = summarise(attached.written, {
          input: info.input ?? name,
          output,
          queue: name,
          total: info.ids.length,
          skipped: attached.alreadyWritten.length,
          previouslyFailed: attached.alreadyWritten.filter((r) => !r.ok).length,
          pending: info.ids.length - attached.alreadyWritten.length,
          interrupted: attached.interrupted,
          started,
        });
        reportSummary(summary, flags.json === true);
      } finally {
        lock.release();
      }
    },
    {
      onOutage: (error) => notes.current(`claude-wrapper: ${error.message}; waiting for it`),
      onRecovered: () => notes.current('claude-wrapper: Redis is back'),
    },
  );
}

async function withBatch(
  url: string,
  name: string,
  work: (queue: ItemQueue, info: BatchInfo) => Promise<void>,
  hooks: Parameters<typeof BatchQueue.open>[1] = {},
): Promise<void> {
  const queue: ItemQueue = await BatchQueue.open<QueuedItemData, BatchRecord>(url, hooks);
  try {
    const info = await queue.loadInfo(name);
    if (info === undefined) {
      throw new CliUsageError(
        `no batch "${name}" on ${redactUrl(url)} (never submitted there, or expired 7 days after submission)`,
      );
    }
    await work(queue, info);
  } finally {
    await queue.close();
    exitSoon();
  }
}

function formatStatus(s: BatchStatus, url: string): string {
  const rows = [
    [
      'items',
      `${s.total} (done ${s.done}, failed ${s.failed}, running ${s.running}, waiting ${s.waiting}${s.missing ? `, missing ${s.missing}` : ''})`,
    ],
    ['workers', s.workers === null ? '?' : String(s.workers)],
    ['queue', redactUrl(url)],
    ...(s.input === null ? [] : [['input', s.input]]),
    ...(s.output === null ? [] : [['output', s.output]]),
    ['submitted', s.createdAt],
  ];
  const body = formatTable(rows)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `batch ${s.name}${s.done + s.failed === s.total ? ' (finished)' : ''}\n${body}\n`;
}
