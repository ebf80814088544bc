/**
 * A vitest reporter that ends the run with one line saying how many tests were skipped and why, so
 * a missing tool (`redis-server`, `tmux`) is never a line lost in the middle of the output. Reasons
 * are the notes given to `ctx.skip(condition, note)`; see {@link skipAllUnless}.
 */
import type { Reporter, TestModule } from 'vitest/node';

/** The summary line for skipped tests, e.g. `Skipped: 4 tests (4: redis-server not found, …)`. */
export function skipSummary(notes: readonly (string | undefined)[]): string {
  if (notes.length === 0) return 'Skipped: 0 tests.';
  const byReason = new Map<string, number>();
  for (const note of notes) {
    const reason = note ?? 'skipped in the code (it.skip / describe.skip)';
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  const reasons = [...byReason].map(([reason, count]) => `${count}: ${reason}`).join('; ');
  return `Skipped: ${notes.length} test${notes.length === 1 ? '' : 's'} (${reasons}).`;
}

/** Prints {@link skipSummary} after every other reporter's output. */
export default class SkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const notes: (string | undefined)[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        notes.push(result.state === 'skipped' ? result.note : undefined);
      }
    }
    process.stdout.write(`\n${skipSummary(notes)}\n`);
  }
}
