/**
 * The README's conformance matrix against the data the suite runs on: the README block
 * `conformance-matrix` is {@link renderMatrix}'s output (`UPDATE_README=1 npx vitest run
 * test/clients/matrix.test.ts` rewrites it), and what the matrix is built from is consistent with
 * the tests (the declared Claude Code row names tests of `claude-code.test.ts` that exist, each
 * known failure names a row of the suite).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  README,
  formatForReadme,
  readmeBlock,
  updatingReadme,
  writeReadmeBlock,
} from '../support/readme-block.js';
import { claudeCodeRow } from './claude-code-row.js';
import { conformanceMatrix, renderMatrix, type MatrixCell, type MatrixRow } from './matrix.js';
import { conformanceRows, knownClientFailures, scenarioChecks, type Scenario } from './rows.js';

/** The titles of `claude-code.test.ts`'s tests: `it(...)` as `passing`, `it.fails(...)` as `failing`. */
function claudeCodeTests(): { passing: string[]; failing: string[] } {
  const source = readFileSync(new URL('./claude-code.test.ts', import.meta.url), 'utf8');
  const passing: string[] = [];
  const failing: string[] = [];
  for (const [, fails, title] of source.matchAll(/\bit(\.fails)?\(\s*'([^']*)'/g)) {
    (fails === undefined ? passing : failing).push(title ?? '');
  }
  return { passing, failing };
}

describe('the declared Claude Code row', () => {
  const tests = claudeCodeTests();

  it('names tests that claude-code.test.ts runs as passing tests', () => {
    const named = Object.values(claudeCodeRow.cells).flatMap((cell) => ('tests' in cell ? cell.tests : []));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((title) => !tests.passing.includes(title))).toEqual([]);
  });

  it('names as known problems the tests it runs as expected failures', () => {
    expect(claudeCodeRow.knownProblems.map((p) => p.test).sort()).toEqual([...tests.failing].sort());
  });
});

it('knownClientFailures names rows of the suite', () => {
  const rows = conformanceRows.map((row) => row.name);
  expect(Object.keys(knownClientFailures).filter((name) => !rows.includes(name))).toEqual([]);
});

describe('renderMatrix', () => {
  const scenarios = Object.keys(scenarioChecks) as Scenario[];
  const row = (name: string, special: Partial<Record<Scenario, MatrixCell>>): MatrixRow => ({
    name,
    packages: [{ name: 'client', version: '1.2.3', node: '>=22.0.0' }],
    cells: Object.fromEntries(scenarios.map((s) => [s, special[s] ?? { kind: 'pass', notes: [] }])) as Record<
      Scenario,
      MatrixCell
    >,
  });

  it('marks cells, numbers their notes (identical notes once) and counts them', () => {
    const markdown = renderMatrix([
      row('a | b', { image: { kind: 'known failure', notes: ['breaks'] } }),
      row('c', {
        text: { kind: 'n/a', notes: ['never'] },
        tools: { kind: 'n/a', notes: ['never'] },
        streaming: { kind: 'pass', notes: ['how', 'breaks'] },
      }),
    ]);
    const [, , first, second] = markdown.split('\n');
    expect(first).toBe('| a \\| b | `client` 1.2.3 | ✓ | ✓ | ✓ | ✓ | ✗ (1) | ✓ | ✓ | ✓ | ✓ | ✓ |');
    expect(second).toBe('| c | `client` 1.2.3 | – (2) | ✓ (3, 1) | ✓ | ✓ | ✓ | – (2) | ✓ | ✓ | ✓ | ✓ |');
    expect(markdown).toContain(
      '17 ✓ pass, 1 ✗ known client failures, 2 – not applicable (2 clients × 10 scenarios).',
    );
    expect(markdown).toContain('1. breaks\n2. never\n3. how');
    expect(markdown).toContain('run here on Node 20: `client` 1.2.3.');
  });
});

it('is the matrix the README shows', async () => {
  const rendered = await formatForReadme(renderMatrix(conformanceMatrix()));
  if (updatingReadme()) await writeReadmeBlock('conformance-matrix', rendered);
  const shown = readmeBlock(readFileSync(README, 'utf8'), 'conformance-matrix').body.trim();
  expect(shown, 'run UPDATE_README=1 npx vitest run test/clients/matrix.test.ts').toBe(rendered);
});
