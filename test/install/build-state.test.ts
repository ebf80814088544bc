/**
 * `npm start` and `prepare` compile only when the sources changed since the last successful build
 * (scripts/build.mjs): the decision, on a temporary tree with controlled file dates.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STAMP, staleReason } from '../../scripts/build.mjs';

const T0 = new Date('2020-01-01T00:00:00Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let root = '';

/** A tree with src/, tsconfigs and (optionally) a build stamp, every date at T0 + `age` seconds. */
function tree(options: { stamped: boolean }): string {
  root = mkdtempSync(join(tmpdir(), 'ccw-build-state-'));
  const files = [
    'src/index.ts',
    'src/cli/main.ts',
    'src/cli/main.test.ts',
    'tsconfig.json',
    'tsconfig.build.json',
  ];
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  for (const path of [...files, 'src/cli', 'src'].map((f) => join(root, f))) utimesSync(path, T0, T0);
  if (options.stamped) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, STAMP), '');
    utimesSync(join(root, STAMP), later(10), later(10));
  }
  return root;
}

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('staleReason', () => {
  it('wants a build when there is none, and none when nothing changed since', () => {
    expect(staleReason(tree({ stamped: false }))).toBe('no complete build in dist/ yet');
    expect(staleReason(tree({ stamped: true }))).toBeUndefined();
  });

  it('names the source or tsconfig that changed after the build', () => {
    tree({ stamped: true });
    utimesSync(join(root, 'src/cli/main.ts'), later(20), later(20));
    expect(staleReason(root)).toBe(join('src', 'cli', 'main.ts') + ' changed since the last build');
    tree({ stamped: true });
    utimesSync(join(root, 'tsconfig.build.json'), later(20), later(20));
    expect(staleReason(root)).toBe('tsconfig.build.json changed since the last build');
  });

  it('ignores test files, which are not compiled into dist/', () => {
    tree({ stamped: true });
    utimesSync(join(root, 'src/cli/main.test.ts'), later(20), later(20));
    expect(staleReason(root)).toBeUndefined();
  });

  it('notices a removed or renamed source through its directory', () => {
    tree({ stamped: true });
    renameSync(join(root, 'src/cli/main.ts'), join(root, 'src/cli/entry.ts'));
    expect(staleReason(root)).toMatch(/^src.cli(.entry\.ts)? changed since the last build$/);
  });

  it('has nothing to build without src/ (an installed package)', () => {
    tree({ stamped: false });
    rmSync(join(root, 'src'), { recursive: true });
    expect(staleReason(root)).toBeUndefined();
  });
});
