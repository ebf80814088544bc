/**
 * @module
 * What a batch still has to do, read from its output file: items with no record yet, and with
 * `--retry-failed` items whose last record is a failure. Shared by the local and the queued batch,
 * so both resume the same way.
 */
import type { BatchItem } from './read-items.js';
import { readResults, type PreviousResults } from './results-log.js';

/** Outcome of {@link planResume}. */
export interface ResumePlan {
  readonly previous: PreviousResults;
  /** Items to run, in input order. */
  readonly pending: readonly BatchItem[];
  /** Items whose last record is a failure (run again only with `retryFailed`). */
  readonly previouslyFailed: number;
}

/** Read `output` and decide which of `items` run. Unreadable lines are reported on stderr and ignored. */
export function planResume(items: readonly BatchItem[], output: string, retryFailed: boolean): ResumePlan {
  const previous = readResults(output);
  if (previous.unreadable > 0) {
    process.stderr.write(`claude-wrapper: ignoring ${previous.unreadable} unreadable line(s) in ${output}\n`);
  }
  const pending = items.filter((item) => {
    const last = previous.latest.get(item.id);
    return last === undefined || (!last.ok && retryFailed);
  });
  const previouslyFailed = items.filter((item) => previous.latest.get(item.id)?.ok === false).length;
  return { previous, pending, previouslyFailed };
}
