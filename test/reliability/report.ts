/**
 * The reliability run's figures: one row per phase, written to bench/results/reliability.md after
 * every row (so a killed run still leaves what it measured) and printed by the global teardown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_PATH = fileURLToPath(new URL('../../bench/results/reliability.md', import.meta.url));

/** One line of the table. */
export interface Row {
  readonly phase: string;
  readonly requests: number;
  readonly ok: number;
  readonly c4xx: number;
  readonly c5xx: number;
  readonly crashes: number;
  readonly spawns: number;
  readonly orphans: number;
  readonly ms: number;
  /** Free text: expected status, RSS/fds before and after, latency... */
  readonly figures: string;
  /** Expectations that did not hold (empty = pass). */
  readonly failures: readonly string[];
}

const rows: Row[] = [];
const sections: { title: string; lines: string[] }[] = [];
const header: string[] = [];
const startedAt = Date.now();

/** Lines printed above the table (seeds, versions). */
export function note(line: string): void {
  header.push(line);
  flush();
}

/** Add a row and rewrite the results file. */
export function record(row: Row): Row {
  rows.push(row);
  flush();
  return row;
}

/** An extra section under the table (per-category breakdown, failure examples). */
export function section(title: string, lines: string[]): void {
  sections.push({ title, lines });
  flush();
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The whole report as Markdown. */
export function render(): string {
  const out: string[] = [];
  out.push(`# Reliability run`, '');
  out.push(
    `${new Date(startedAt).toISOString()}, Node ${process.version}, ${availableParallelism()} cores, ${(
      (Date.now() - startedAt) /
      1000
    ).toFixed(1)} s so far.`,
    '',
  );
  for (const line of header) out.push(`- ${line}`);
  if (header.length) out.push('');
  out.push(
    '| phase | requests | ok | 4xx | 5xx | crashes | spawns | orphans | time s | figures | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of rows) {
    out.push(
      `| ${cell(r.phase)} | ${r.requests} | ${r.ok} | ${r.c4xx} | ${r.c5xx} | ${r.crashes} | ${r.spawns} | ${r.orphans} | ${(
        r.ms / 1000
      ).toFixed(
        1,
      )} | ${cell(r.figures)} | ${r.failures.length === 0 ? 'pass' : `**FAIL**: ${cell(r.failures.join('; '))}`} |`,
    );
  }
  const failed = rows.filter((r) => r.failures.length > 0);
  out.push('', `${rows.length - failed.length} of ${rows.length} rows pass.`);
  for (const s of sections) out.push('', `## ${s.title}`, '', ...s.lines);
  out.push('');
  return out.join('\n');
}

function flush(): void {
  mkdirSync(dirname(RESULTS_PATH), { recursive: true });
  writeFileSync(RESULTS_PATH, render());
}
