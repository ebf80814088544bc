/**
 * @module
 * Where batch items live in Redis. Every batch shares one BullMQ queue (`ccw:batch:*` keys), so a
 * worker serves all batches in submission order with one connection; a job's id is
 * `<batch>/<item id>`, which makes enqueueing idempotent (BullMQ ignores a job id it already has)
 * and lets a result be found from the item id alone.
 */

/** BullMQ key prefix of everything this package stores for queues. */
export const QUEUE_PREFIX = 'ccw';

/** The BullMQ queue holding the items of every batch. */
export const ITEMS_QUEUE = 'batch';

/** Redis key of a batch's description (its item ids, where its output goes). Outside BullMQ's keys. */
export function batchInfoKey(batch: string): string {
  return `${QUEUE_PREFIX}:batches:${batch}`;
}

const BATCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Why `name` cannot name a batch, or undefined when it can. */
export function batchNameProblem(name: string): string | undefined {
  return BATCH_NAME.test(name)
    ? undefined
    : `batch name "${name}" must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit`;
}

/**
 * The job id of item `itemId` of `batch`. Item ids are the user's (any string); they are
 * percent-encoded because BullMQ refuses `:` in a job id.
 */
export function jobIdOf(batch: string, itemId: string): string {
  return `${batch}/${encodeURIComponent(itemId)}`;
}

/** The batch and item id of a job id made by {@link jobIdOf}; undefined for any other id. */
export function parseJobId(jobId: string): { readonly batch: string; readonly itemId: string } | undefined {
  const slash = jobId.indexOf('/');
  if (slash <= 0) return undefined;
  try {
    return { batch: jobId.slice(0, slash), itemId: decodeURIComponent(jobId.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}
