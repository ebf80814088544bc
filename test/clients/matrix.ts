/**
 * The README's conformance matrix (client × scenario), built from the data the suite runs on:
 * `conformanceRows` and `knownClientFailures` (`conformance.test.ts` runs every cell, a known
 * failure as `it.fails`), `scenarioChecks`, and the declared Claude Code row (`claude-code-row.ts`),
 * with each row's client versions as installed. `matrix.test.ts` keeps the README's copy equal to
 * {@link renderMatrix}'s output, so a cell shows ✓ exactly when the suite runs it as a passing test.
 */
import { readFileSync } from 'node:fs';
import { claudeCodeRow, type DeclaredRow } from './claude-code-row.js';
import type { ConformanceRow } from './client.js';
import { conformanceRows, knownClientFailures, scenarioChecks, type Scenario } from './rows.js';

/** One cell: passing, failing inside the client library with any server, or not applicable. */
export interface MatrixCell {
  readonly kind: 'pass' | 'known failure' | 'n/a';
  /** The cell's footnotes: why it fails or does not apply, how it is covered, a known problem. */
  readonly notes: readonly string[];
}

/** A client package as installed (`name` is the real one when `package.json` has an alias). */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Its `engines.node`, if any. */
  readonly node: string | undefined;
}

/** One row of the matrix. */
export interface MatrixRow {
  readonly name: string;
  readonly packages: readonly InstalledPackage[];
  readonly cells: Readonly<Record<Scenario, MatrixCell>>;
}

const SCENARIOS = Object.keys(scenarioChecks) as Scenario[];

/** The installed `package.json` of a dependency (`ai-v7` reads `node_modules/ai-v7`: `ai` 7.x). */
export function installedPackage(dependency: string): InstalledPackage {
  const file = new URL(`../../node_modules/${dependency}/package.json`, import.meta.url);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    name: string;
    version: string;
    engines?: { node?: string };
  };
  return { name: manifest.name, version: manifest.version, node: manifest.engines?.node };
}

function cellsOf(build: (scenario: Scenario) => MatrixCell): Record<Scenario, MatrixCell> {
  return Object.fromEntries(SCENARIOS.map((s) => [s, build(s)])) as Record<Scenario, MatrixCell>;
}

function libraryRow(row: ConformanceRow): MatrixRow {
  return {
    name: row.name,
    packages: row.packages.map(installedPackage),
    cells: cellsOf((scenario) => {
      const why = knownClientFailures[row.name]?.[scenario];
      return why === undefined ? { kind: 'pass', notes: [] } : { kind: 'known failure', notes: [why] };
    }),
  };
}

function declaredRow(row: DeclaredRow): MatrixRow {
  return {
    name: row.name,
    packages: row.packages.map(installedPackage),
    cells: cellsOf((scenario) => {
      const cell = row.cells[scenario];
      if ('notApplicable' in cell) return { kind: 'n/a', notes: [cell.notApplicable] };
      const problems = row.knownProblems
        .filter((p) => p.scenario === scenario)
        .map((p) => `known problem, pinned as an expected failure ("${p.test}"): ${p.problem}`);
      return { kind: 'pass', notes: [...(cell.note === undefined ? [] : [cell.note]), ...problems] };
    }),
  };
}

/** The matrix as the suite defines it today: the library rows, then Claude Code. */
export function conformanceMatrix(): MatrixRow[] {
  return [...conformanceRows.map(libraryRow), declaredRow(claudeCodeRow)];
}

const SYMBOL: Readonly<Record<MatrixCell['kind'], string>> = {
  pass: '✓',
  'known failure': '✗',
  'n/a': '–',
};

/** Whether a package declares it needs Node 22 or newer (`>=22`, `>=22.0.0`, `^22 || ^24`, ...). */
function needsNode22(pkg: InstalledPackage): boolean {
  const major = /\d+/.exec(pkg.node ?? '')?.[0];
  return major !== undefined && Number(major) >= 22;
}

function packageText(pkg: InstalledPackage): string {
  return `\`${pkg.name}\` ${pkg.version}`;
}

function tableCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/**
 * The matrix as Markdown: the table (✓ pass, ✗ known client failure, – not applicable, with
 * numbered notes), the counts, the notes, what each scenario checks, and which clients declare
 * Node ≥ 22. Identical notes share a number.
 */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  const notes: string[] = [];
  const noteNumber = (note: string): number => {
    const index = notes.indexOf(note);
    return index >= 0 ? index + 1 : notes.push(note);
  };
  const counts: Record<MatrixCell['kind'], number> = { pass: 0, 'known failure': 0, 'n/a': 0 };
  const lines = [
    `| client | versions | ${SCENARIOS.join(' | ')} |`,
    `| --- | --- | ${SCENARIOS.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => {
      const cells = SCENARIOS.map((scenario) => {
        const cell = row.cells[scenario];
        counts[cell.kind] += 1;
        const refs = cell.notes.map(noteNumber);
        return refs.length === 0 ? SYMBOL[cell.kind] : `${SYMBOL[cell.kind]} (${refs.join(', ')})`;
      });
      const versions = row.packages.map(packageText).join(', ');
      return `| ${tableCell(row.name)} | ${tableCell(versions)} | ${cells.join(' | ')} |`;
    }),
  ];
  const node22 = [...new Set(rows.flatMap((row) => row.packages.filter(needsNode22).map(packageText)))];
  return [
    lines.join('\n'),
    `${counts.pass} ✓ pass, ${counts['known failure']} ✗ known client failures, ${counts['n/a']} – not ` +
      `applicable (${rows.length} clients × ${SCENARIOS.length} scenarios).`,
    notes.map((note, i) => `${i + 1}. ${note}`).join('\n'),
    SCENARIOS.map((scenario) => `- **${scenario}**: ${scenarioChecks[scenario]}`).join('\n'),
    ...(node22.length === 0
      ? []
      : [`Declared Node ≥ 22 in \`engines\`, run here on Node 20: ${node22.join(', ')}.`]),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}
