/**
 * The built proxy (`node dist/cli/main.js serve`) as a separate process, as deployed: a JSON config
 * file, a clean environment, the listening URL read from stderr, and /proc figures (RSS, open fds).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<repo>/dist/cli/main.js`. */
export const CLI_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A running `claude-wrapper serve`. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly configPath: string;
  /** Everything the server wrote to stderr so far (last 64 KB). */
  stderr(): string;
  /** True while the process has not exited. */
  alive(): boolean;
  /** Resolves with the exit code / signal (at once if it already exited). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  /** The config file's `server` section. */
  readonly server: Record<string, unknown>;
  /** Wrapper options (top level of the config file). */
  readonly wrapper: Record<string, unknown>;
  /** Extra environment for the server process itself. */
  readonly env?: Record<string, string>;
  /** Give up waiting for the listening line after this long. */
  readonly startTimeoutMs?: number;
}

/** A clean environment for the server: nothing from this process's CLAUDE_* / ANTHROPIC_* variables. */
export function serverEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { HOME: home, NO_COLOR: '1' };
  for (const name of ['PATH', 'LANG', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Start `node dist/cli/main.js serve --config <file>`; resolves once it listens. */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run \`npm run build\` first`);
  const dir = await mkdtemp(join(tmpdir(), 'ccw-rel-server-'));
  const configPath = join(dir, 'proxy.json');
  // No process is kept for a conversation's next turn (like the warm pool the scenarios turn off):
  // every CLI a scenario starts must be gone after it, which is what the orphan scans check.
  const serverSection = { port: 0, conversationProcesses: 0, ...options.server };
  writeFileSync(configPath, JSON.stringify({ ...options.wrapper, server: serverSection }));
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--config', configPath], {
    env: serverEnv(dir, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-65_536);
  });
  child.stdout?.resume();
  child.stderr?.on('error', () => undefined);
  child.stdout?.on('error', () => undefined);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`server did not listen within ${options.startTimeoutMs ?? 15_000} ms:\n${stderr}`)),
      options.startTimeoutMs ?? 15_000,
    );
    const check = (): void => {
      const match = /listening on (http:\/\/[^\s"]+)/.exec(stderr) ?? /"url":"(http:\/\/[^"]+)"/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stderr?.off('data', check);
        resolve(match[1]);
      }
    };
    child.stderr?.on('data', check);
    void exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${e.code ?? e.signal}) before listening:\n${stderr}`));
    });
  });

  const server: ServerProcess = {
    child,
    pid: child.pid ?? -1,
    url,
    configPath,
    stderr: () => stderr,
    alive: () => exit === undefined,
    exited: () => exitPromise,
    async stop(graceMs = 5000) {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
  return server;
}

/** Resident set size of a process in MB (VmRSS), or NaN when it is gone. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Number of open file descriptors of a process, or NaN when it is gone. */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** True if a process with this pid exists (and is not a zombie). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** One process found by {@link markedProcesses}. */
export interface MarkedProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
}

/**
 * Live processes whose environment contains `RELIABILITY_MARKER=<marker>`: every CLI process the
 * server started with that marker in its `env` config, and their children. Anything still listed
 * after a run ended is an orphan.
 */
export function markedProcesses(marker: string): MarkedProcess[] {
  const needle = `RELIABILITY_MARKER=${marker}\0`;
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!`${environ}\0`.includes(needle)) continue;
      if (!pidAlive(pid)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid, ppid, cmdline: cmdline.slice(0, 200) });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Wait until no marked process is left (or `timeoutMs` passed); returns what is left. */
export async function waitNoMarked(marker: string, timeoutMs: number): Promise<MarkedProcess[]> {
  const deadline = Date.now() + timeoutMs;
  let left = markedProcesses(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = markedProcesses(marker);
  }
  return left;
}

/** SIGKILL every marked process (cleanup after a failed row, so later rows start clean). */
export function killMarked(marker: string): void {
  for (const p of markedProcesses(marker)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
