/**
 * @module
 * Run async work over a list with at most N in flight, for `batch` and `benchmark`. The library's
 * own limits still apply underneath; this only decides how many runs the command asks for at once.
 */

/** Options for {@link runPool}. */
export interface PoolOptions {
  /** Items processed at once. */
  readonly concurrency: number;
  /** When aborted, no new item starts; items in flight are left to the worker to stop. */
  readonly signal?: AbortSignal;
}

/**
 * Call `work` for every item, `concurrency` at a time, in input order.
 * The first error thrown by `work` stops new items from starting; it is rethrown once the items
 * already in flight have settled, so none is abandoned half-way.
 */
export async function runPool<T>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<void>,
  { concurrency, signal }: PoolOptions,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined && signal?.aborted !== true) {
      const index = next;
      next += 1;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  await Promise.all(workers);
  if (failure) throw failure.error;
}
