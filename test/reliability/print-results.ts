/**
 * vitest global setup for the reliability run: prints the results table when the run ends, pass or
 * fail (the table is written by the suite to bench/results/reliability.md).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { RESULTS_PATH } from './report.js';

export function setup(): void {
  rmSync(RESULTS_PATH, { force: true });
}

export function teardown(): void {
  const text = existsSync(RESULTS_PATH) ? readFileSync(RESULTS_PATH, 'utf8') : 'no results written';
  process.stdout.write(`\n${text}\nResults: ${RESULTS_PATH}\n`);
}
