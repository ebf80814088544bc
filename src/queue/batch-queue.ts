/**
 * @module
 * The submitting side of the distributed batch: put items on the BullMQ queue (idempotently, by
 * job id), find out what became of them, and hear when one settles. Results stay in Redis as the
 * jobs' return values until {@link RESULT_TTL_S} after they finish, so a detached batch can be
 * collected later, from any machine.
 *
 * Generic over the job data `T` and result `R`: what an item is and what its result looks like
 * belongs to the command that runs batches.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { QueueConnection, type QueueConnectionHooks } from './connection.js';
import { batchInfoKey, ITEMS_QUEUE, jobIdOf, parseJobId, QUEUE_PREFIX } from './names.js';

/** How long a finished job (and a batch's description) stays in Redis. @unit seconds */
export const RESULT_TTL_S = 7 * 24 * 3600;

/**
 * Attempts of a job whose handler throws (Redis or the rate-limit store unreachable mid-item...);
 * an item's own failure is a result, not a thrown error, and is never retried here.
 */
export const JOB_ATTEMPTS = 3;

/** Items looked up at once. */
const LOOKUP_CHUNK = 200;

/** One item to enqueue. */
export interface QueuedItem<T> {
  readonly itemId: string;
  readonly data: T;
}

/** What became of an item's job. */
export type JobOutcome<R> =
  /** No such job (never enqueued, expired, or lost with Redis's data). */
  | { readonly state: 'missing' }
  /** Waiting, running or waiting for a retry. */
  | { readonly state: 'pending' }
  /** The handler returned `value`. */
  | {
      readonly state: 'completed';
      readonly value: R;
      /** @unit epoch milliseconds */
      readonly finishedOn: number;
    }
  /** BullMQ gave up on it: the handler threw on every attempt, or it stalled too often (its workers died). */
  | {
      readonly state: 'failed';
      readonly reason: string;
      /** @unit epoch milliseconds */
      readonly finishedOn: number;
      /** When its last attempt started. @unit epoch milliseconds */
      readonly processedOn: number | undefined;
    };

/** What a submitter records about a batch, for `status` and re-attaching. */
export interface BatchInfo {
  /** Every item id ever enqueued under this name. */
  readonly ids: readonly string[];
  readonly input?: string | undefined;
  readonly output?: string | undefined;
  /** ISO time of the first submission. */
  readonly createdAt: string;
}

/** Stops a {@link BatchQueue.watch}. */
export interface Watch {
  close(): Promise<void>;
}

/** The queue of batch items, as seen by whoever submits or follows a batch. */
export class BatchQueue<T, R> {
  readonly #connection: QueueConnection;
  readonly #queue: Queue;

  private constructor(connection: QueueConnection) {
    this.#connection = connection;
    this.#queue = new Queue(ITEMS_QUEUE, { connection: connection.client, prefix: QUEUE_PREFIX });
    this.#queue.on('error', (error) => connection.reportError(error));
  }

  /**
   * Connect to the queue at `url`.
   * @throws {@link ClaudeCodeStoreUnavailableError} when Redis does not answer.
   */
  static async open<T, R>(url: string, hooks: QueueConnectionHooks = {}): Promise<BatchQueue<T, R>> {
    return new BatchQueue<T, R>(await QueueConnection.open(url, hooks));
  }

  /** Call `listener` whenever Redis is back after an outage (results may have been missed). */
  onReconnect(listener: () => void): () => void {
    return this.#connection.onReconnect(listener);
  }

  /**
   * Enqueue the items of `batch` that have no job yet. Safe to repeat: a job id BullMQ already
   * holds is never added twice, even by two submitters at once.
   * @returns how many were added.
   */
  async enqueue(batch: string, items: readonly QueuedItem<T>[]): Promise<number> {
    const present = await this.#existing(
      batch,
      items.map((item) => item.itemId),
    );
    const fresh = items.filter((item) => !present.has(item.itemId));
    for (let start = 0; start < fresh.length; start += LOOKUP_CHUNK) {
      await this.#queue.addBulk(
        fresh.slice(start, start + LOOKUP_CHUNK).map((item) => ({
          name: batch,
          data: item.data,
          opts: {
            jobId: jobIdOf(batch, item.itemId),
            attempts: JOB_ATTEMPTS,
            backoff: { type: 'exponential', delay: 2000 },
            removeOnComplete: { age: RESULT_TTL_S },
            removeOnFail: { age: RESULT_TTL_S },
          },
        })),
      );
    }
    return fresh.length;
  }

  /** What became of each of `itemIds`. */
  async outcomes(batch: string, itemIds: readonly string[]): Promise<Map<string, JobOutcome<R>>> {
    const outcomes = new Map<string, JobOutcome<R>>();
    for (let start = 0; start < itemIds.length; start += LOOKUP_CHUNK) {
      const chunk = itemIds.slice(start, start + LOOKUP_CHUNK);
      const jobs = await Promise.all(chunk.map((id) => Job.fromId(this.#queue, jobIdOf(batch, id))));
      for (const [index, job] of jobs.entries()) {
        outcomes.set(chunk[index] as string, await this.#outcomeOf(job));
      }
    }
    return outcomes;
  }

  /** Item ids of `batch` that a worker is running now. */
  async running(batch: string): Promise<Set<string>> {
    const active = await this.#queue.getActive();
    return new Set(
      active.flatMap((job) => {
        const parsed = job.id === undefined ? undefined : parseJobId(job.id);
        return parsed?.batch === batch ? [parsed.itemId] : [];
      }),
    );
  }

  /** Delete the finished jobs of `itemIds`, so that enqueueing them again runs them again. */
  async forget(batch: string, itemIds: readonly string[]): Promise<void> {
    for (const id of itemIds) await this.#queue.remove(jobIdOf(batch, id));
  }

  /** Record `info` about `batch` (item ids are added to those already recorded). */
  async saveInfo(batch: string, info: BatchInfo): Promise<void> {
    const previous = await this.loadInfo(batch);
    const ids = [...new Set([...(previous?.ids ?? []), ...info.ids])];
    const fields: Record<string, string> = {
      ids: JSON.stringify(ids),
      createdAt: previous?.createdAt ?? info.createdAt,
    };
    if (info.input !== undefined) fields['input'] = info.input;
    if (info.output !== undefined) fields['output'] = info.output;
    const key = batchInfoKey(batch);
    await this.#connection.client.multi().hset(key, fields).expire(key, RESULT_TTL_S).exec();
  }

  /** What was recorded about `batch`, or undefined when nothing was (or it expired). */
  async loadInfo(batch: string): Promise<BatchInfo | undefined> {
    const fields = await this.#connection.client.hgetall(batchInfoKey(batch));
    const ids = parseIds(fields['ids']);
    if (ids === undefined) return undefined;
    return { ids, input: fields['input'], output: fields['output'], createdAt: fields['createdAt'] ?? '' };
  }

  /**
   * Call `onSettled(itemId)` when an item of `batch` completes or fails an attempt (BullMQ's event
   * stream). Events can be missed while Redis is down: look the outcomes up again on reconnection.
   */
  async watch(batch: string, onSettled: (itemId: string) => void): Promise<Watch> {
    const events = new QueueEvents(ITEMS_QUEUE, {
      connection: this.#connection.client,
      prefix: QUEUE_PREFIX,
    });
    events.on('error', (error) => this.#connection.reportError(error));
    const settled = ({ jobId }: { jobId: string }): void => {
      const parsed = parseJobId(jobId);
      if (parsed?.batch === batch) onSettled(parsed.itemId);
    };
    events.on('completed', settled);
    events.on('failed', settled);
    await events.waitUntilReady();
    return { close: () => settleWithin(events.close(), CLOSE_WAIT_MS) };
  }

  /** Workers connected to the queue, or undefined when Redis will not say (CLIENT LIST disabled). */
  async workerCount(): Promise<number | undefined> {
    try {
      return await this.#queue.getWorkersCount();
    } catch {
      return undefined;
    }
  }

  /** Disconnect; while Redis is down, without waiting for it. */
  async close(): Promise<void> {
    await settleWithin(this.#queue.close(), CLOSE_WAIT_MS);
    await this.#connection.close();
  }

  async #existing(batch: string, itemIds: readonly string[]): Promise<Set<string>> {
    const present = new Set<string>();
    for (let start = 0; start < itemIds.length; start += LOOKUP_CHUNK) {
      const chunk = itemIds.slice(start, start + LOOKUP_CHUNK);
      const pipeline = this.#connection.client.pipeline();
      for (const id of chunk) pipeline.exists(this.#queue.toKey(jobIdOf(batch, id)));
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, count], index) => {
        if (error) throw error;
        if (count === 1) present.add(chunk[index] as string);
      });
    }
    return present;
  }

  async #outcomeOf(job: Job | undefined): Promise<JobOutcome<R>> {
    if (job === undefined) return { state: 'missing' };
    if (job.finishedOn === undefined) return { state: 'pending' };
    if (job.failedReason && (await job.isFailed())) {
      return {
        state: 'failed',
        reason: job.failedReason,
        finishedOn: job.finishedOn,
        processedOn: job.processedOn ?? undefined,
      };
    }
    return job.returnvalue === null || job.returnvalue === undefined
      ? { state: 'pending' }
      : { state: 'completed', value: job.returnvalue as R, finishedOn: job.finishedOn };
  }
}

/** How long closing waits for Redis to confirm (it may be down). @unit milliseconds */
const CLOSE_WAIT_MS = 1000;

/** Wait for `promise` to settle, at most `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

function parseIds(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  try {
    const ids: unknown = JSON.parse(text);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : undefined;
  } catch {
    return undefined;
  }
}
