/**
 * Helpers for the distributed batch tests: a redis-server that can be restarted on the same port
 * (with or without its data), workers and submitters of the built CLI, and what the fake CLI saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freePort, REDIS_MISSING, redisAvailable } from '../fixtures/redis-server.js';
import { skipAllUnless } from '../support/index.js';
import {
  collect,
  createHarness,
  ensureBuilt,
  eventually,
  jsonLines,
  type CliHarness,
  type CliResult,
} from './helpers.js';

/** A redis-server the test can stop and start again. */
export interface RestartableRedis {
  readonly url: string;
  readonly port: number;
  /** Stop it (SIGTERM: with persistence, the data is saved first). */
  stop(): Promise<void>;
  /** Start it again on the same port (and data directory). */
  start(): Promise<void>;
  /** Stop it and remove its data directory. */
  cleanup(): Promise<void>;
}

/** Options of {@link startRestartableRedis}. */
export interface RedisOptions {
  /** Append-only file with fsync per write, as BullMQ's deployment guide asks for: a restart keeps the queue. */
  readonly persistent?: boolean;
  readonly password?: string;
}

/** Start a redis-server on a free port. */
export async function startRestartableRedis(options: RedisOptions = {}): Promise<RestartableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'queue-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.persistent ? 'yes' : 'no',
    '--appendfsync',
    'always',
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
      started.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => reject(new Error(`redis-server exited with ${String(code)}`)));
    });
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  const auth = options.password ? `:${options.password}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    stop,
    start,
    async cleanup() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A running `claude-wrapper worker` and everything it printed so far. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Its stderr so far. */
  log(): string;
  /** Resolves when it exits. */
  readonly exited: Promise<CliResult>;
}

/** Start a worker and wait until it takes items. */
export async function startWorker(
  h: CliHarness,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const child = h.spawn(['worker', ...args], { env });
  child.stdin?.end();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = collect(child, 60_000);
  const ready = await eventually(() => stderr.includes('taking batch items'), 15_000);
  if (!ready) throw new Error(`worker did not start: ${stderr}`);
  return { child, pid: child.pid as number, log: () => stderr, exited };
}

/** Stop a worker with SIGTERM (it drains) and wait for it. */
export async function stopWorker(worker: WorkerProcess): Promise<CliResult> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.exited;
}

/** The records of an output file. */
export function outputRecords(path: string): Record<string, unknown>[] {
  try {
    return jsonLines(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

/** How many times each id appears in `records`. */
export function idCounts(records: readonly Record<string, unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) counts[String(record['id'])] = (counts[String(record['id'])] ?? 0) + 1;
  return counts;
}

/** The prompt each fake CLI process was given (its first stdin user message). */
export function promptOf(stdin: readonly unknown[]): string | undefined {
  for (const line of stdin) {
    const message = (line as { type?: string; message?: { content?: unknown } }).message;
    if ((line as { type?: string }).type !== 'user' || !message) continue;
    const content = message.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) {
      const text = (content as { type?: string; text?: string }[]).find((block) => block.type === 'text');
      if (text?.text !== undefined) return text.text;
    }
  }
  return undefined;
}

/** The parent process id of `pid`, or undefined once it is gone. */
export function parentOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^PPid:\s+(\d+)/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** What a distributed-batch suite shares (see {@link useQueueSuite}). */
export interface QueueSuite {
  /** The built CLI's harness, for the whole suite. */
  readonly h: CliHarness;
  /** Workers a test started: killed after it. */
  readonly workers: WorkerProcess[];
  /** A redis-server for this test (see {@link startRestartableRedis}), removed after it. */
  startRedis(options?: RedisOptions): Promise<RestartableRedis>;
  /** A JSONL batch input of `{ id, prompt: 'prompt <id>' }` lines in the harness directory. */
  writeInput(name: string, ids: readonly string[]): string;
}

/**
 * Inside a `describe`: skip it without redis-server, build the CLI and open a harness before all
 * tests, kill each test's workers and remove its Redis after it.
 */
export function useQueueSuite(): QueueSuite {
  skipAllUnless(redisAvailable, REDIS_MISSING);
  let harness: CliHarness | undefined;
  const workers: WorkerProcess[] = [];
  const redises: RestartableRedis[] = [];
  beforeAll(async () => {
    ensureBuilt();
    harness = await createHarness();
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    }
    for (const redis of redises.splice(0)) await redis.cleanup();
  });
  afterAll(async () => harness?.cleanup());
  const h = (): CliHarness => {
    if (harness === undefined) throw new Error('the harness is only there inside the suite’s tests');
    return harness;
  };
  return {
    get h() {
      return h();
    },
    workers,
    async startRedis(options) {
      const redis = await startRestartableRedis(options);
      redises.push(redis);
      return redis;
    },
    writeInput(name, ids) {
      const path = join(h().dir, name);
      writeFileSync(path, ids.map((id) => JSON.stringify({ id, prompt: `prompt ${id}` })).join('\n'));
      return path;
    },
  };
}
