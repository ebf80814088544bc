/**
 * @module
 * A batch item as it travels through the queue, and back: the job data a submitter writes, what a
 * worker accepts from it, and the output record of a job BullMQ gave up on.
 *
 * Only options that say what to ask travel. Options that say how the worker's machine runs the
 * CLI (binary, working directory, environment, MCP servers, settings, permission mode, extra
 * flags) belong to the worker's own configuration: whoever can write to the queue must not be
 * able to choose what runs on the workers.
 */
import type { RunOptions } from '../../client/run-options.js';
import { runOptionsSchema } from '../../core/config/schema.js';
import { parseOrThrow } from '../../core/config/validate.js';
import type { JobOutcome } from '../../queue/batch-queue.js';
import { CliUsageError } from '../exit-codes.js';
import { messageOf } from '../report-error.js';
import type { BatchItem } from './read-items.js';
import type { BatchFailure, BatchRecord } from './results-log.js';

/** Job data of one queued item. */
export interface QueuedItemData {
  /** Format version. */
  readonly v: 1;
  readonly prompt: string;
  /** The command's run flags with the item's own options on top. */
  readonly options: RunOptions;
  /** `batch --key-name`: the `server.keys` entry whose limits the item runs under (its name, never the key). */
  readonly keyName?: string;
}

/** Run options a queued item may carry. */
export const QUEUEABLE_OPTIONS: ReadonlySet<string> = new Set([
  'model',
  'fallbackModel',
  'systemPrompt',
  'appendSystemPrompt',
  'maxTurns',
  'tools',
  'allowedTools',
  'disallowedTools',
  'jsonSchema',
  'timeoutMs',
  'idleTimeoutMs',
  'maxBudgetUsd',
  'effort',
  'sessionPersistence',
]);

/**
 * The job data of `item` run with `base` options.
 * @throws {@link CliUsageError} naming the item and the option when an option cannot travel.
 */
export function toQueued(item: BatchItem, base: RunOptions): QueuedItemData {
  const options = { ...base, ...item.options };
  for (const key of Object.keys(options)) {
    if (!QUEUEABLE_OPTIONS.has(key)) {
      throw new CliUsageError(
        `item "${item.id}": option ${key} cannot go through the queue; set it in the workers' configuration`,
      );
    }
  }
  return { v: 1, prompt: item.prompt, options };
}

/** The item a worker runs from job data, or why it will not (the data was not written by a submitter). */
export function fromQueued(itemId: string, data: unknown): BatchItem | { readonly problem: string } {
  const { v, prompt, options } = (data ?? {}) as Partial<Record<keyof QueuedItemData, unknown>>;
  if (v !== 1 || typeof prompt !== 'string' || prompt.trim() === '') {
    return { problem: 'the queued item is not a batch item of this version' };
  }
  const refused = Object.keys(options ?? {}).filter((key) => !QUEUEABLE_OPTIONS.has(key));
  if (refused.length > 0)
    return { problem: `the queued item sets ${refused.join(', ')}, which only workers set` };
  try {
    return { id: itemId, prompt, options: parseOrThrow(runOptionsSchema, options ?? {}, 'queued item ->') };
  } catch (error) {
    return { problem: messageOf(error) };
  }
}

/** The output record of item `itemId`, from the outcome of its job (undefined while it is pending or missing). */
export function recordOf(itemId: string, outcome: JobOutcome<BatchRecord>): BatchRecord | undefined {
  if (outcome.state === 'completed') {
    const value = outcome.value as Partial<BatchRecord> | null;
    if (typeof value === 'object' && value !== null && typeof value.ok === 'boolean') {
      return { ...value, id: itemId } as BatchRecord;
    }
    return {
      id: itemId,
      ok: false,
      error: { code: 'WORKER_ERROR', message: 'the worker stored a result that is not a batch record' },
      costUsd: 0,
      durationMs: 0,
      finishedAt: new Date(outcome.finishedOn).toISOString(),
    };
  }
  if (outcome.state === 'failed') return failedJobRecord(itemId, outcome);
  return undefined;
}

function failedJobRecord(
  itemId: string,
  outcome: Extract<JobOutcome<BatchRecord>, { state: 'failed' }>,
): BatchFailure {
  // BullMQ's words for an item whose workers kept dying under it.
  const lost = /stalled/i.test(outcome.reason);
  return {
    id: itemId,
    ok: false,
    error: {
      code: lost ? 'WORKER_LOST' : 'WORKER_ERROR',
      message: lost
        ? `the workers running this item stopped (killed or lost) too often: ${outcome.reason}`
        : `every attempt failed outside the item: ${outcome.reason}`,
    },
    costUsd: 0,
    durationMs: outcome.processedOn === undefined ? 0 : Math.max(0, outcome.finishedOn - outcome.processedOn),
    finishedAt: new Date(outcome.finishedOn).toISOString(),
  };
}
