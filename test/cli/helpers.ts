/**
 * Helpers for the command-line tests: they run the BUILT binary (`node dist/cli/main.js`) as a
 * subprocess against the fake `claude` executable, exactly as a user's shell would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually as pollUntil } from '../integration/helpers.js';
import {
  withFakeClaude,
  type FakeClaude,
  type FakeClaudeScenario,
} from '../fixtures/fake-claude-helpers.mjs';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built command-line entry point. */
export const MAIN = join(ROOT, 'dist/cli/main.js');

/** Outcome of one CLI invocation. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Extra environment variables (on top of a clean base environment). */
  readonly env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Default: empty stdin (not a TTY). */
  readonly input?: string;
  readonly cwd?: string;
  /** Kill the process after this long. */
  readonly timeoutMs?: number;
}

/**
 * The environment every CLI test starts from: no CLAUDE_* / ANTHROPIC_* settings from the developer's
 * shell, no colours, and a throwaway HOME so credentials on this machine do not leak in.
 */
export function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(CLAUDE_|ANTHROPIC_|FAKE_CLAUDE_|NODE_OPTIONS$|VITEST|NO_COLOR$|FORCE_COLOR$)/.test(key)) continue;
    env[key] = value;
  }
  env['HOME'] = home;
  env['CLAUDE_LOG_LEVEL'] = 'silent';
  // The fake CLI reads its scenario from FAKE_CLAUDE_* variables, which the allow-listed child
  // environment would otherwise drop.
  env['CLAUDE_INHERIT_ENV'] = 'FAKE_CLAUDE_';
  return env;
}

/** Start the CLI; the caller reads its streams. */
export function spawnCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  cwd?: string,
): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    cwd: cwd ?? ROOT,
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Wait for a spawned CLI to exit and collect its output. */
export function collect(child: ChildProcess, timeoutMs = 20_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * The URL a spawned `serve` announces on stderr (rejecting if it exits first, the error naming
 * `label`), and all of its stderr so far. Call it right after spawning: it reads stderr from there.
 */
export async function listening(
  child: ChildProcess,
  label = 'serve',
): Promise<{ url: string; stderr: () => string }> {
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${label} exited early (${code}): ${stderr}`)));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on (\S+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
  });
  return { url, stderr: () => stderr };
}

/** A CLI test context: a fake `claude`, a temp directory, and `run()` wired to both. */
export interface CliHarness {
  readonly fake: FakeClaude;
  /** A fresh temp directory (also HOME and the default cwd). */
  readonly dir: string;
  /** Environment pointing the CLI at the fake. */
  readonly env: Record<string, string>;
  run(args: readonly string[], options?: RunCliOptions): Promise<CliResult>;
  spawn(args: readonly string[], options?: Omit<RunCliOptions, 'input' | 'timeoutMs'>): ChildProcess;
  /** Fake CLI processes that ran a prompt (not `--version` probes). */
  prompts(): ReturnType<FakeClaude['invocations']>;
  cleanup(): Promise<void>;
}

/** Create a {@link CliHarness}; call `cleanup()` in `afterEach`/`afterAll`. */
export async function createHarness(scenario: FakeClaudeScenario = {}): Promise<CliHarness> {
  const fake = await withFakeClaude(scenario);
  const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  const env = { ...baseEnv(dir), CLAUDE_BINARY: fake.binary, ...fake.env };
  const spawnWith = (args: readonly string[], options: Omit<RunCliOptions, 'input' | 'timeoutMs'> = {}) =>
    spawnCli(args, { ...env, ...options.env }, options.cwd ?? dir);
  return {
    fake,
    dir,
    env,
    spawn: spawnWith,
    async run(args, options = {}) {
      const child = spawnWith(args, options);
      child.stdin?.end(options.input ?? '');
      return collect(child, options.timeoutMs);
    },
    prompts: () => fake.invocations().filter((i) => !i.argv.includes('--version')),
    async cleanup() {
      await fake.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { isRunning } from '../integration/helpers.js';

/** {@link pollUntil} with the patience a subprocess of the built CLI needs. */
export function eventually(check: () => boolean, timeoutMs = 10_000, stepMs = 50): Promise<boolean> {
  return pollUntil(check, timeoutMs, stepMs);
}

/** Parse JSON lines, skipping empty ones. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Make sure dist/ is built. `npm test` builds first; when run alone (`npx vitest run test/cli`), a
 * missing build, or one older than src/cli, is rebuilt once, under a lock so parallel test files do
 * not build at the same time. Type errors elsewhere do not stop tsc from emitting.
 * Only src/cli and src/queue (which only the CLI uses) are compared: rebuilding for other folders'
 * edits could rewrite dist/ under a test that is running.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  const lock = join(ROOT, 'node_modules', '.cli-test-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`test/cli: timed out waiting for the build lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (isStale()) {
      spawnSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: ROOT,
          stdio: 'ignore',
        },
      );
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(MAIN)) throw new Error('test/cli: dist/cli/main.js is missing; run `npm run build`');
}

function isStale(): boolean {
  if (!existsSync(MAIN)) return true;
  const built = statSync(MAIN).mtimeMs;
  return Math.max(newestSource(join(ROOT, 'src/cli')), newestSource(join(ROOT, 'src/queue'))) > built;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}
