/**
 * Helpers for the install-path tests: a fresh temporary project, npm run the way a user runs it
 * (from the registry, with the machine's npm cache: `--prefer-offline --no-audit --no-fund`), and
 * the package packed from this repository's dist/ (which `npm test` builds first).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The name and version a user installs. */
export const { name: PACKAGE, version: VERSION } = JSON.parse(
  readFileSync(join(ROOT, 'package.json'), 'utf8'),
) as { name: string; version: string };

/** Flags for every install: as a user on this machine would, without noise or needless fetches. */
export const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];

/** Outcome of a finished command. */
export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user's shell: this one without what `npm test` and vitest add (npm_*
 * variables would point npm at this repository; CLAUDE_/ANTHROPIC_ settings would leak in), and a
 * PATH of Node's own directory and the system's, so no `claude` of this machine is found by chance.
 */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(npm_|NPM_|CLAUDE_|ANTHROPIC_|FAKE_CLAUDE_|NODE_OPTIONS$|VITEST|INIT_CWD$)/.test(key)) continue;
    env[key] = value;
  }
  env['PATH'] = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter);
  return { ...env, ...extra };
}

/** Run a command to completion (no shell). */
export function run(command: string, args: readonly string[], cwd: string, env = userEnv()): Result {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Run a command and throw with its output when it fails. */
export function runOk(command: string, args: readonly string[], cwd: string, env = userEnv()): Result {
  const result = run(command, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${String(result.code)}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** A temporary directory, removed by `cleanup()`. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), `ccw-install-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** An empty ESM project in `dir`, as `npm init` would leave it. */
export function emptyProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  return dir;
}

/**
 * `npm pack` of this repository into `dir`; the tarball's path. Scripts are skipped: `prepare`
 * would rebuild dist/ under the other test files that are running it (`npm test` built it).
 */
export function packInto(dir: string): string {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  runOk('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, ...NPM_FLAGS], ROOT);
  return join(dir, `${PACKAGE}-${VERSION}.tgz`);
}

/**
 * Start a long-running command in its own process group (npx does not pass SIGTERM on to the
 * command it runs; {@link stop} signals the whole group).
 */
export function start(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): ChildProcess {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Everything it writes, from the start: two lines written together arrive as one chunk, so a
  // wait that only read chunks arriving after an earlier wait would miss the second line.
  stderrSoFar.set(child, '');
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrSoFar.set(child, (stderrSoFar.get(child) ?? '') + chunk);
  });
  return child;
}

/** The stderr text of each child {@link start} spawned, as it accumulates. */
const stderrSoFar = new WeakMap<ChildProcess, string>();

/**
 * Resolve when the stderr `child` has written so far (from its start) matches `pattern` (with the
 * match), reject after `timeoutMs`.
 */
export function waitForStderr(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const text = (): string => stderrSoFar.get(child) ?? '';
    const check = (): boolean => {
      const match = pattern.exec(text());
      if (!match) return false;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      resolve(match);
      return true;
    };
    const onData = (): void => {
      // The collector registered in `start` runs first, so the text includes this chunk.
      check();
    };
    const timer = setTimeout(
      () => reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms:\n${text()}`)),
      timeoutMs,
    );
    if (check()) return;
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${String(code)} before ${String(pattern)}:\n${text()}`));
    });
  });
}

/** SIGTERM `child`'s process group and wait for `child` to exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}
