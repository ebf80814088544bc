/**
 * @module
 * `claude-wrapper batch`: run every prompt of a JSONL/CSV file, `--concurrency` at a time, appending
 * each result to the output file as it finishes. Re-running skips ids already in the output, so an
 * interrupted or crashed batch resumes where it stopped and never runs a finished item twice.
 */
import { createWrapper } from '../shared/create-wrapper.js';
import { listenForInterrupt } from '../shared/interrupt.js';
import { runPool } from '../shared/run-pool.js';
import { toRunOptions, type RunFlags } from '../shared/run-flags.js';
import { reportSummary, summarise } from './batch-summary.js';
import { lockOutput } from './output-lock.js';
import { createProgress } from './progress.js';
import { readItems } from './read-items.js';
import { planResume } from './resume-plan.js';
import { ResultsLog, type BatchRecord } from './results-log.js';
import { runItem } from './run-item.js';

/** Flags of `batch`. */
export interface BatchFlags extends RunFlags {
  readonly concurrency: number;
  readonly output?: string;
  readonly retryFailed?: boolean;
  readonly retries?: number;
  readonly json?: boolean;
}

/** `prompts.jsonl` -> `prompts.out.jsonl`; `prompts.csv` -> `prompts.out.jsonl`. */
export function defaultOutputPath(input: string): string {
  return `${input.replace(/\.(jsonl|ndjson|json|csv)$/i, '')}.out.jsonl`;
}

/**
 * Run `batch`. Exit code 0 when every item has a successful result, 1 when any item's latest result
 * is a failure, 130 when interrupted (after the summary).
 */
export async function runBatch(input: string, flags: BatchFlags): Promise<void> {
  const started = performance.now();
  const items = await readItems(input);
  const base = await toRunOptions(flags);
  const output = flags.output ?? defaultOutputPath(input);
  const lock = lockOutput(output);
  try {
    const { pending, previouslyFailed } = planResume(items, output, flags.retryFailed === true);
    const finished: BatchRecord[] = [];
    let interrupted = false;
    if (pending.length > 0) {
      // Retries go through the library's resilience layer (backoff, only retryable failures).
      const wrapper = createWrapper(flags.retries === undefined ? {} : { maxRetries: flags.retries });
      const log = new ResultsLog(output);
      const progress = createProgress(pending.length);
      const interrupt = listenForInterrupt();
      try {
        await runPool(
          pending,
          async (item) => {
            const record = await runItem(wrapper, item, base, interrupt.signal);
            if (record === undefined) return;
            log.append(record);
            finished.push(record);
            progress.itemDone(record);
          },
          { concurrency: flags.concurrency, signal: interrupt.signal },
        );
      } finally {
        progress.finish();
        log.close();
        interrupted = interrupt.interrupted;
        interrupt.dispose();
      }
    }
    const summary = summarise(finished, {
      input,
      output,
      total: items.length,
      skipped: items.length - pending.length,
      previouslyFailed: flags.retryFailed ? 0 : previouslyFailed,
      pending: pending.length,
      interrupted,
      started,
    });
    reportSummary(summary, flags.json === true);
  } finally {
    lock.release();
  }
}
