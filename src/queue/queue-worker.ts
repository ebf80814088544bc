/**
 * @module
 * The running side of the distributed batch: a BullMQ worker taking items of every batch, a set
 * number at a time. A worker holds a lock per item it runs and renews it while the item runs; when
 * the worker dies (SIGKILL, power loss) the lock expires and BullMQ's stalled-job check, run by
 * every other worker, puts the item back for another worker. A drained worker takes nothing new
 * and finishes what it holds; a worker told to hand back returns its items to the queue at once.
 */
import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { QueueConnection, type QueueConnectionHooks } from './connection.js';
import { ItemDeferred } from './item-deferred.js';
import { ITEMS_QUEUE, parseJobId, QUEUE_PREFIX } from './names.js';

/** How quickly a dead worker's items go back to the queue. */
export interface StallTiming {
  /**
   * Lock on a running item, renewed at half this while the item runs: a dead worker's items are
   * free again at most this long after it died. @unit milliseconds @default 30000
   */
  readonly lockDurationMs: number;
  /** How often each worker looks for expired locks. @unit milliseconds @default 30000 */
  readonly stalledIntervalMs: number;
  /** Times an item may lose its worker before it fails for good. @default 1 */
  readonly maxStalledCount: number;
}

/** BullMQ's own defaults. */
export const DEFAULT_STALL_TIMING: StallTiming = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 1,
};

/** One item handed to a {@link QueueWorker}'s handler. */
export interface WorkItem<T> {
  readonly batch: string;
  readonly itemId: string;
  readonly data: T;
  /** 1 for the first attempt (an item taken over from a dead worker is still attempt 1). */
  readonly attempt: number;
}

/** Options of {@link QueueWorker.start}. */
export interface QueueWorkerOptions<T, R> extends QueueConnectionHooks {
  /** Items run at once. */
  readonly concurrency: number;
  readonly timing?: StallTiming | undefined;
  /**
   * Run one item. Return its result; return `undefined` when `signal` stopped it (the item goes
   * back to the queue); throw for failures that are not the item's (retried up to the job's
   * attempts, then the job fails); throw {@link ItemDeferred} to put the item back until a time.
   */
  readonly handle: (item: WorkItem<T>, signal: AbortSignal) => Promise<R | undefined>;
  /** The handler deferred the item (see `handle`). */
  readonly onDeferred?: ((item: WorkItem<T>, deferral: ItemDeferred) => void) | undefined;
  /** An attempt threw (see `handle`); `final` when no attempt is left. */
  readonly onAttemptFailed?: ((item: WorkItem<T>, error: Error, final: boolean) => void) | undefined;
}

/** A running worker. */
export class QueueWorker<T, R> {
  readonly #connection: QueueConnection;
  readonly #worker: Worker<T, R>;
  #active = 0;

  private constructor(connection: QueueConnection, options: QueueWorkerOptions<T, R>) {
    this.#connection = connection;
    const timing = options.timing ?? DEFAULT_STALL_TIMING;
    const itemOf = (job: Job<T, R>): WorkItem<T> => {
      const parsed = job.id === undefined ? undefined : parseJobId(job.id);
      if (!parsed) throw new UnrecoverableError(`job ${String(job.id)} is not a batch item`);
      return { ...parsed, data: job.data, attempt: job.attemptsMade + 1 };
    };
    this.#worker = new Worker<T, R>(
      ITEMS_QUEUE,
      async (job, token, signal) => {
        const item = itemOf(job);
        this.#active += 1;
        try {
          const result = await options.handle(item, signal ?? new AbortController().signal);
          if (result !== undefined) return result;
        } catch (error) {
          if (!(error instanceof ItemDeferred)) throw error;
          // Not a failure: the item waits in the delayed set and keeps its attempts.
          options.onDeferred?.(item, error);
          await job.moveToDelayed(error.untilMs, token);
          throw new DelayedError();
        } finally {
          this.#active -= 1;
        }
        // Stopped before it finished: back to the queue now rather than after the lock expires.
        await job.moveToWait(token);
        throw new WaitingError();
      },
      {
        connection: connection.client,
        prefix: QUEUE_PREFIX,
        concurrency: options.concurrency,
        lockDuration: timing.lockDurationMs,
        stalledInterval: timing.stalledIntervalMs,
        maxStalledCount: timing.maxStalledCount,
        name: `${hostname()}:${process.pid}`,
      },
    );
    this.#worker.on('error', (error) => connection.reportError(error));
    this.#worker.on('failed', (job, error) => {
      if (!job || !options.onAttemptFailed) return;
      const parsed = job.id === undefined ? undefined : parseJobId(job.id);
      if (!parsed) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
      options.onAttemptFailed({ ...parsed, data: job.data, attempt: job.attemptsMade }, error, final);
    });
  }

  /**
   * Connect to the queue at `url` and start taking items.
   * @throws {@link ClaudeCodeStoreUnavailableError} when Redis does not answer.
   */
  static async start<T, R>(url: string, options: QueueWorkerOptions<T, R>): Promise<QueueWorker<T, R>> {
    const connection = await QueueConnection.open(url, options);
    const worker = new QueueWorker(connection, options);
    await worker.#worker.waitUntilReady();
    return worker;
  }

  /** Items running now. */
  get active(): number {
    return this.#active;
  }

  /** Take no new item, wait for the running ones to finish, then disconnect. */
  async drain(): Promise<void> {
    await this.#worker.close();
    await this.#connection.close();
  }

  /** Stop the running items: their handlers see the abort and the items go back to the queue. */
  handBack(): void {
    this.#worker.cancelAllJobs('handed back');
  }
}
