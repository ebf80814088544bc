#!/usr/bin/env node
// @ts-check
/**
 * Build dist/ from src/ (`npm run build`), or with `--if-stale` only when something changed since
 * the last successful build (`npm start`, and `prepare`, which npm runs after `npm ci` in a clone
 * and when it installs this package from a git URL).
 *
 * A successful build leaves `dist/.build-stamp`, dated when that build started; the build is stale
 * when a file or directory under src/ (a directory's date changes when a file is added, removed or
 * renamed) or a tsconfig is newer. Without src/ (an installed package, a runtime image with only
 * dist/) there is nothing to build.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this script's parent directory). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Marks the last successful build; its date is when that build started. */
export const STAMP = join('dist', '.build-stamp');

const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

/**
 * Why `root` needs a build, or `undefined` when dist/ is current.
 * @param {string} root
 * @returns {string | undefined}
 */
export function staleReason(root) {
  const src = join(root, 'src');
  if (!existsSync(src)) return undefined;
  const built = mtimeOf(join(root, STAMP));
  if (built === undefined) return 'no complete build in dist/ yet';
  const newer = [...sourceEntries(src), ...CONFIGS.map((name) => join(root, name))].find(
    (path) => (mtimeOf(path) ?? 0) > built,
  );
  return newer === undefined ? undefined : `${relative(root, newer)} changed since the last build`;
}

/**
 * Compile with tsc and stamp the result. Returns tsc's exit code.
 * @param {string} root
 * @returns {number}
 */
export function build(root) {
  const startedAt = new Date();
  let tsc;
  try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write(
      'Cannot build dist/: TypeScript is not installed. Run `npm ci` (it installs the dev dependencies) first.\n',
    );
    return 1;
  }
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  const code = result.status ?? 1;
  if (code === 0) {
    const stamp = join(root, STAMP);
    closeSync(openSync(stamp, 'w'));
    // Dated at the start: a source saved while tsc ran makes the next start build again.
    utimesSync(stamp, startedAt, startedAt);
  }
  return code;
}

/**
 * Build when stale (or always, without `ifStale`). Returns the exit code (0 when nothing to do).
 * @param {string} root
 * @param {{ ifStale: boolean }} options
 * @returns {number}
 */
export function buildIfNeeded(root, { ifStale }) {
  if (ifStale) {
    const reason = staleReason(root);
    if (reason === undefined) return 0;
    process.stderr.write(`Building dist/ (${reason})...\n`);
  }
  return build(root);
}

/** @param {string} path */
function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Every directory and non-test file under `dir` (tests are not compiled into dist/).
 * @param {string} dir
 * @returns {string[]}
 */
function sourceEntries(dir) {
  const found = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceEntries(path));
    else if (!entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = buildIfNeeded(ROOT, { ifStale: process.argv.includes('--if-stale') });
}
