/**
 * @module
 * Attaching to a queued batch (`batch --queue` after enqueueing, `batch results`): progress with
 * the queue's own figures (items running, workers connected), Ctrl-C to stop following, and the
 * results written to the output file by {@link collectResults}.
 */
import { listenForInterrupt } from '../shared/interrupt.js';
import { collectResults, type Collected, type ItemQueue } from './collect-results.js';
import { createProgress, type Progress } from './progress.js';
import type { QueuedItemData } from './queued-item.js';
import { ResultsLog, type BatchRecord } from './results-log.js';

/** Without a terminal, a status line this often. @unit milliseconds */
const STATUS_LINE_MS = 10_000;

/** How often the running and worker counts are refreshed. @unit milliseconds */
const COUNTS_MS = 2000;

/** Options of {@link attachBatch}. */
export interface AttachOptions {
  readonly queue: ItemQueue;
  readonly batch: string;
  readonly ids: readonly string[];
  readonly output: string;
  readonly previous: ReadonlyMap<string, BatchRecord>;
  readonly requeue?: ReadonlyMap<string, QueuedItemData> | undefined;
  readonly wait: boolean;
  /** Receives notes (Redis outages) while attached; set to the progress while it exists. */
  readonly notes: { current: (text: string) => void };
}

/** What an attachment collected, and whether Ctrl-C ended it. */
export interface Attached extends Collected {
  readonly interrupted: boolean;
}

/** Follow `batch` until its items are finished (or only until now, without `wait`). */
export async function attachBatch(options: AttachOptions): Promise<Attached> {
  const { queue, batch } = options;
  let running: number | undefined;
  let workers: number | undefined;
  let refreshing = false;
  const refresh = (): void => {
    if (refreshing) return;
    refreshing = true;
    Promise.all([queue.running(batch), queue.workerCount()])
      .then(([active, count]) => {
        running = active.size;
        workers = count;
      })
      .catch(() => undefined)
      .finally(() => (refreshing = false));
  };
  const counts = options.wait ? setInterval(refresh, COUNTS_MS) : undefined;
  counts?.unref();
  if (options.wait) refresh();
  const extra = (): string | undefined =>
    running === undefined
      ? undefined
      : `${running} running${workers === undefined ? '' : ` · ${workers} worker${workers === 1 ? '' : 's'}`}`;

  // Items with a successful record already are collected without counting as progress.
  const toWrite = options.ids.filter((id) => options.previous.get(id)?.ok !== true).length;
  const progress: Progress = createProgress(toWrite, process.stderr, {
    periodicMs: STATUS_LINE_MS,
    extra,
  });
  const previousNotes = options.notes.current;
  options.notes.current = (text) => progress.note(text);
  const log = new ResultsLog(options.output);
  const interrupt = listenForInterrupt();
  try {
    const collected = await collectResults({ ...options, log, progress, signal: interrupt.signal });
    return { ...collected, interrupted: interrupt.interrupted };
  } finally {
    if (counts) clearInterval(counts);
    // The last line is about results; counts fetched a moment ago may already be stale.
    running = undefined;
    progress.finish();
    options.notes.current = previousNotes;
    log.close();
    interrupt.dispose();
  }
}
