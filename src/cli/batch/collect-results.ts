/**
 * @module
 * Following a queued batch: write each item's result to the output file once it is finished,
 * however many workers ran it and however often it was retried. BullMQ's event stream says when an
 * item settles; a full look-up of the outstanding items at start, on every reconnection to Redis
 * and every few seconds catches what the stream missed (an outage, a late start). A record already
 * in the output is never written again, so re-attaching, or two followers of one batch, add
 * nothing twice; and with the items at hand, items Redis lost (restarted without persistence) are
 * enqueued again.
 */
import type { BatchQueue } from '../../queue/batch-queue.js';
import type { Progress } from './progress.js';
import { recordOf, type QueuedItemData } from './queued-item.js';
import type { BatchRecord, ResultsLog } from './results-log.js';

/** The queue as the collector uses it. */
export type ItemQueue = BatchQueue<QueuedItemData, BatchRecord>;

/** Options of {@link collectResults}. */
export interface CollectOptions {
  readonly queue: ItemQueue;
  readonly batch: string;
  /** Items to collect. */
  readonly ids: readonly string[];
  /** The last record of each id already in the output. */
  readonly previous: ReadonlyMap<string, BatchRecord>;
  readonly log: ResultsLog;
  readonly progress: Progress;
  /** Items to enqueue again when Redis no longer has them; without them, such items are reported missing. */
  readonly requeue?: ReadonlyMap<string, QueuedItemData> | undefined;
  /** Wait for every item to finish; when false, collect what is finished and return. */
  readonly wait: boolean;
  /** Stops following (the items go on running on the workers). */
  readonly signal: AbortSignal;
  /** Least time between full look-ups. @unit milliseconds @default 5000 */
  readonly fullCheckMs?: number | undefined;
}

/** What {@link collectResults} found. */
export interface Collected {
  /** Records written by this call, in the order they were written. */
  readonly written: BatchRecord[];
  /** Records that were already in the output. */
  readonly alreadyWritten: BatchRecord[];
  /** Items Redis does not have (and that could not be enqueued again). */
  readonly missing: string[];
}

/** Collect the results of `ids` into `log`. */
export async function collectResults(options: CollectOptions): Promise<Collected> {
  const { queue, batch, previous, log, progress, requeue, signal } = options;
  const outstanding = new Set(options.ids);
  const collected: Collected = { written: [], alreadyWritten: [], missing: [] };
  const settled = new Set<string>();
  let fullCheck = true;
  let wake: () => void = () => undefined;
  const poke = (): void => wake();

  const accept = (id: string, record: BatchRecord): void => {
    outstanding.delete(id);
    if (sameRecord(previous.get(id), record)) {
      collected.alreadyWritten.push(record);
      return;
    }
    log.append(record);
    collected.written.push(record);
    progress.itemDone(record);
  };

  const watch = await queue.watch(batch, (id) => {
    if (!outstanding.has(id)) return;
    settled.add(id);
    poke();
  });
  const stopReconnect = queue.onReconnect(() => {
    fullCheck = true;
    poke();
  });
  signal.addEventListener('abort', poke);
  let lastFull = 0;
  try {
    while (outstanding.size > 0 && !signal.aborted) {
      // Bigger batches are looked up in full less often (about 1 ms per outstanding item).
      const fullEvery = Math.max(options.fullCheckMs ?? 5000, outstanding.size);
      if (performance.now() - lastFull >= fullEvery) fullCheck = true;
      const ids = fullCheck ? [...outstanding] : [...settled].filter((id) => outstanding.has(id));
      if (fullCheck) lastFull = performance.now();
      fullCheck = false;
      settled.clear();
      const outcomes = await untilAborted(queue.outcomes(batch, ids), signal);
      if (outcomes === undefined) break;
      const missing: string[] = [];
      for (const [id, outcome] of outcomes) {
        const record = recordOf(id, outcome);
        if (record !== undefined) accept(id, record);
        else if (outcome.state === 'missing') missing.push(id);
      }
      const lost = missing.filter((id) => !requeue?.has(id));
      const again = missing.filter((id) => requeue?.has(id));
      if (again.length > 0) {
        const added = await queue.enqueue(
          batch,
          again.map((id) => ({ itemId: id, data: requeue?.get(id) as QueuedItemData })),
        );
        if (added > 0) progress.note(`${added} item(s) were no longer in Redis; enqueued them again`);
      }
      for (const id of lost) outstanding.delete(id);
      collected.missing.push(...lost);
      if (!options.wait || outstanding.size === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (signal.aborted || settled.size > 0 || fullCheck) resolve();
        setTimeout(resolve, Math.max(50, fullEvery - (performance.now() - lastFull))).unref();
      });
    }
  } finally {
    signal.removeEventListener('abort', poke);
    stopReconnect();
    await watch.close().catch(() => undefined);
  }
  return collected;
}

/** True when `a` is the very record `b` (as written: same fields, same values). */
function sameRecord(a: BatchRecord | undefined, b: BatchRecord): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** `promise`'s value, or undefined as soon as `signal` aborts (the promise is left to settle). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
