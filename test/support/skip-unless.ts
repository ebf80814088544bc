/**
 * Skipping a suite that needs a tool the machine may lack, with the reason counted by the summary
 * line of `npm test` (test/support/skip-reporter.ts).
 */
import { beforeEach } from 'vitest';

/**
 * Call inside a `describe`: when `available` is false, each of its tests is skipped with `reason`
 * (say what is missing and how to get it). Hooks still run: guard `beforeAll`/`afterAll` work with
 * `if (!available) return`.
 */
export function skipAllUnless(available: boolean, reason: string): void {
  beforeEach((context) => {
    context.skip(!available, reason);
  });
}
