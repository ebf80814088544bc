/**
 * The distributed batch (`batch --queue`, `worker`, `batch status|results`) with the built CLI,
 * real redis-server processes and the fake Claude CLI: idempotent enqueueing, two workers sharing
 * the items, a worker SIGKILLed mid-item, Redis restarted mid-batch (with and without its data),
 * detaching and re-attaching, and the Redis password kept out of output and argv.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { collect, eventually } from './helpers.js';
import {
  idCounts,
  outputRecords,
  parentOf,
  promptOf,
  startWorker,
  stopWorker,
  useQueueSuite,
} from './queue-helpers.js';

/** Each item answers in 3 chunks this far apart. */
const slow = (chunkDelayMs: number) =>
  JSON.stringify({ default: { kind: 'reply', chunks: ['a', 'b', 'c'], chunkDelayMs } });

/** Quick stall detection: a killed worker's item is free again within ~2 s. */
const FAST_STALLS = ['--lock-duration', '1500', '--stalled-interval', '500'];

describe('distributed batch on BullMQ', () => {
  const suite = useQueueSuite();

  async function jobCount(url: string): Promise<number> {
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue('batch', { connection, prefix: 'ccw' });
    try {
      const counts = await queue.getJobCounts();
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    } finally {
      await queue.close();
      await connection.quit();
    }
  }

  /** Fake CLI runs per prompt. */
  function runsPerPrompt(): Record<string, number> {
    const runs: Record<string, number> = {};
    for (const invocation of suite.h.prompts()) {
      const prompt = promptOf(invocation.stdin) ?? '?';
      runs[prompt] = (runs[prompt] ?? 0) + 1;
    }
    return runs;
  }

  it('enqueues idempotently, detaches, shares items between two workers, re-attaches; the password stays hidden', async () => {
    const password = 'queue-secret-5150';
    const redis = await suite.startRedis({ password });
    // Items slow enough that the second worker, started with the first, is up before the first
    // has run them all, on a loaded machine too.
    const env = { CLAUDE_WRAPPER_QUEUE_URL: redis.url, FAKE_CLAUDE_SCENARIO: slow(500) };
    const ids = Array.from({ length: 6 }, (_, i) => `share:${i + 1}`);
    const input = suite.writeInput('share.jsonl', ids);
    const before = suite.h.prompts().length;

    const first = await suite.h.run(['batch', input, '--queue', '--detach', '--name', 'share', '--json'], {
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ name: 'share', total: 6, queued: 6, alreadyQueued: 0 });
    // The same submission again adds nothing.
    const again = await suite.h.run(['batch', input, '--queue', '--detach', '--name', 'share', '--json'], {
      env,
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ queued: 0, alreadyQueued: 6 });
    expect(await jobCount(redis.url)).toBe(6);

    const waiting = await suite.h.run(['batch', 'status', 'share', '--queue', '--json'], { env });
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ total: 6, done: 0, waiting: 6, workers: 0 });

    // One worker with the password on its command line, one reading it from the environment.
    suite.workers.push(
      ...(await Promise.all([
        startWorker(suite.h, ['--queue', redis.url, '--concurrency', '1'], env),
        startWorker(suite.h, ['--queue', '--concurrency', '1'], env),
      ])),
    );
    const results = await suite.h.run(['batch', 'results', 'share', '--queue', '--json'], { env });
    expect(results.code, results.stderr).toBe(0);
    expect(JSON.parse(results.stdout)).toMatchObject({ queue: 'share', done: 6, failed: 0 });
    const output = join(suite.h.dir, 'share.out.jsonl');
    expect(idCounts(outputRecords(output))).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    expect(outputRecords(output).every((r) => r['ok'] === true)).toBe(true);

    // Both workers ran items; every prompt ran once.
    for (const worker of suite.workers) expect(worker.log()).toMatch(/ok share\/share:\d /);
    expect(suite.h.prompts().length - before).toBe(6);
    expect(Object.values(runsPerPrompt()).every((n) => n === 1)).toBe(true);

    // Re-attaching or re-submitting writes and enqueues nothing more.
    const resubmit = await suite.h.run(['batch', input, '--queue', '--name', 'share', '--json'], { env });
    expect(resubmit.code).toBe(0);
    expect(JSON.parse(resubmit.stdout)).toMatchObject({ done: 0, skipped: 6 });
    expect(outputRecords(output)).toHaveLength(6);
    expect(await jobCount(redis.url)).toBe(6);

    // The password: hidden from ps, never printed, never given to the CLI processes.
    const cmdline = readFileSync(`/proc/${suite.workers[0]?.pid}/cmdline`, 'utf8');
    expect(cmdline).not.toContain(password);
    const stopped = await Promise.all(suite.workers.map(stopWorker));
    expect(stopped.map((r) => r.code)).toEqual([0, 0]);
    const printed = [first, again, waiting, results, resubmit, ...stopped]
      .map((r) => r.stdout + r.stderr)
      .join('\n');
    expect(printed).toContain('redis://:***@127.0.0.1');
    expect(printed).not.toContain(password);
    for (const invocation of suite.h.prompts()) {
      expect(JSON.stringify([invocation.argv, invocation.env, invocation.stdin])).not.toContain(password);
    }
    // An unreachable queue says so with the password redacted (exit 1).
    const down = await suite.h.run([
      'batch',
      'status',
      'share',
      '--queue',
      `redis://:${password}@127.0.0.1:1`,
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/redis:\/\/:\*\*\*@127\.0\.0\.1:1 is unavailable \(ECONNREFUSED\)/);
    expect(down.stderr).not.toContain(password);
  });

  it('refuses, before queueing anything, options that only workers set', async () => {
    const redis = await suite.startRedis();
    const input = join(suite.h.dir, 'machine.jsonl');
    writeFileSync(input, '{"id":"a","prompt":"fine"}\n{"id":"b","prompt":"x","claudeBinary":"/bin/sh"}\n');
    const binary = await suite.h.run(['batch', input, '--queue', redis.url]);
    expect(binary.code).toBe(2);
    expect(binary.stderr).toContain('item "b": option claudeBinary cannot go through the queue');
    const cwd = await suite.h.run([
      'batch',
      suite.writeInput('cwd.jsonl', ['c']),
      '--queue',
      redis.url,
      '--cwd',
      suite.h.dir,
    ]);
    expect(cwd.code).toBe(2);
    expect(cwd.stderr).toContain('--cwd does not go with --queue');
    expect(await jobCount(redis.url)).toBe(0);
  });

  it('a worker SIGKILLed mid-item: another worker runs the item after stall detection; one result per item', async () => {
    const redis = await suite.startRedis();
    const env = { FAKE_CLAUDE_SCENARIO: slow(400) };
    const args = ['--queue', redis.url, '--concurrency', '1', ...FAST_STALLS];
    const victim = await startWorker(suite.h, args, env);
    const survivor = await startWorker(suite.h, args, env);
    suite.workers.push(victim, survivor);
    const ids = Array.from({ length: 6 }, (_, i) => `kill-${i + 1}`);
    const input = suite.writeInput('kill.jsonl', ids);
    const output = join(suite.h.dir, 'kill.out.jsonl');
    const known = new Set(suite.h.prompts().map((i) => i.pid));
    const submitter = suite.h.spawn(['batch', input, '--queue', redis.url, '--name', 'kill', '--json'], {
      env,
    });
    submitter.stdin?.end();
    const submitted = collect(submitter, 60_000);

    // Kill the victim while a CLI process of its own is running an item.
    let inFlight: string | undefined;
    expect(
      await eventually(() => {
        const mine = suite.h.prompts().find((i) => !known.has(i.pid) && parentOf(i.pid) === victim.pid);
        inFlight = mine ? promptOf(mine.stdin) : undefined;
        return inFlight !== undefined;
      }, 15_000),
    ).toBe(true);
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    const result = await submitted;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ done: 6, failed: 0 });
    const records = outputRecords(output);
    expect(idCounts(records)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    expect(records.every((r) => r['ok'] === true)).toBe(true);
    // The killed item ran twice (killed, then again on the survivor), and finished on the survivor.
    const itemId = (inFlight as string).replace('prompt ', '');
    expect(runsPerPrompt()[inFlight as string]).toBe(2);
    expect(survivor.log()).toContain(`ok kill/${itemId} `);
    expect((await stopWorker(survivor)).code).toBe(0);
  });

  it('SIGTERM drains: the running item finishes and is recorded, nothing new is taken', async () => {
    const redis = await suite.startRedis();
    const env = { FAKE_CLAUDE_SCENARIO: slow(400) };
    const worker = await startWorker(suite.h, ['--queue', redis.url, '--concurrency', '1'], env);
    suite.workers.push(worker);
    const input = suite.writeInput('drain.jsonl', ['d1', 'd2']);
    const queued = await suite.h.run(['batch', input, '--queue', redis.url, '--detach', '--name', 'drain'], {
      env,
    });
    expect(queued.code, queued.stderr).toBe(0);
    expect(
      await eventually(() => suite.h.prompts().some((i) => parentOf(i.pid) === worker.pid), 15_000),
    ).toBe(true);
    worker.child.kill('SIGTERM');
    const stopped = await worker.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/SIGTERM: draining \(1 running/);
    expect(stopped.stderr).toMatch(/stopped: 1 item\(s\) done, 0 failed/);
    const status = await suite.h.run(['batch', 'status', 'drain', '--queue', redis.url, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ done: 1, waiting: 1, running: 0, workers: 0 });
  });

  it('a SIGTERM sent the moment the worker says it is taking items drains it (exit 0)', async () => {
    const redis = await suite.startRedis();
    // Its first line says SIGTERM drains; a supervisor may act on that line at once.
    const child = suite.h.spawn(['worker', '--queue', redis.url]);
    child.stdin?.end();
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('taking batch items')) child.kill('SIGTERM');
    });
    const stopped = await collect(child, 30_000);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(/SIGTERM: draining/);
  });

  it('the rate limit is shared by all workers; a second SIGTERM hands waiting items back', async () => {
    const redis = await suite.startRedis();
    const config = join(suite.h.dir, 'rpm.json');
    writeFileSync(config, JSON.stringify({ requestsPerMinute: 3 }));
    const env = { CLAUDE_CONFIG_PATH: config, FAKE_CLAUDE_SCENARIO: slow(0) };
    const args = ['--queue', redis.url, '--concurrency', '3'];
    suite.workers.push(await startWorker(suite.h, args, env), await startWorker(suite.h, args, env));
    const before = suite.h.prompts().length;
    const input = suite.writeInput('rpm.jsonl', ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    const queued = await suite.h.run(['batch', input, '--queue', redis.url, '--detach', '--name', 'rpm'], {
      env,
    });
    expect(queued.code, queued.stderr).toBe(0);
    // Three runs a minute between them: six slots, three runs, however long we look.
    expect(await eventually(() => suite.h.prompts().length - before >= 3, 15_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(suite.h.prompts().length - before).toBe(3);
    for (const worker of suite.workers) worker.child.kill('SIGTERM');
    await eventually(() => suite.workers.every((w) => w.log().includes('draining')), 5000);
    for (const worker of suite.workers) worker.child.kill('SIGTERM');
    const stopped = await Promise.all(suite.workers.map((w) => w.exited));
    // Each exits 0, unless the second signal found it already done and exiting: a worker that had
    // nothing left to hand back may be past its last line, where Node takes a signal's default
    // action (its handlers are gone with the event loop).
    for (const result of stopped) {
      if (result.code !== 0) expect(result, result.stderr).toMatchObject({ signal: 'SIGTERM' });
      expect(result.stderr).toMatch(/stopped: \d+ item\(s\) done, 0 failed/);
    }
    expect(stopped.map((r) => r.stderr).join('')).toMatch(/handed back rpm\/r\d/);
    const status = await suite.h.run(['batch', 'status', 'rpm', '--queue', redis.url, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ done: 3, waiting: 3, running: 0 });
  });

  it('--retry-failed runs the failed items again on the workers; the new record comes last', async () => {
    const redis = await suite.startRedis();
    const worker = await startWorker(suite.h, ['--queue', redis.url, '--concurrency', '2']);
    suite.workers.push(worker);
    const input = suite.writeInput('retry.jsonl', ['x', 'y']);
    const output = join(suite.h.dir, 'retry.out.jsonl');
    await suite.h.fake.setScenario({ default: { kind: 'api_error', status: 500 } });
    const failing = await suite.h.run(['batch', input, '--queue', redis.url, '--name', 'retry', '--json']);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ done: 0, failed: 2 });
    await suite.h.fake.setScenario({ default: { kind: 'reply', text: 'fixed' } });
    const skipped = await suite.h.run(['batch', input, '--queue', redis.url, '--name', 'retry', '--json']);
    expect(skipped.code).toBe(1);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ done: 0, skipped: 2, previouslyFailed: 2 });
    const retried = await suite.h.run([
      'batch',
      input,
      '--queue',
      redis.url,
      '--name',
      'retry',
      '--retry-failed',
      '--json',
    ]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ done: 2, failed: 0 });
    const records = outputRecords(output);
    expect(records).toHaveLength(4);
    const ids = (list: Record<string, unknown>[]) => list.map((r) => r['id']).sort();
    expect(ids(records.slice(0, 2))).toEqual(['x', 'y']);
    expect(records.slice(0, 2).every((r) => r['ok'] === false)).toBe(true);
    expect(ids(records.slice(2))).toEqual(['x', 'y']);
    expect(records.slice(2).every((r) => r['content'] === 'fixed')).toBe(true);
  });

  for (const persistent of [true, false]) {
    it(`Redis restarted mid-batch ${persistent ? 'with its data' : 'empty (no persistence)'}: the batch completes, nothing lost or duplicated`, async () => {
      const redis = await suite.startRedis({ persistent });
      const env = { FAKE_CLAUDE_SCENARIO: slow(150) };
      const args = ['--queue', redis.url, '--concurrency', '2', ...FAST_STALLS];
      suite.workers.push(await startWorker(suite.h, args, env), await startWorker(suite.h, args, env));
      const name = persistent ? 'restart-kept' : 'restart-lost';
      const ids = Array.from({ length: 12 }, (_, i) => `${name}-${i + 1}`);
      const input = suite.writeInput(`${name}.jsonl`, ids);
      const output = join(suite.h.dir, `${name}.out.jsonl`);
      const submitter = suite.h.spawn(['batch', input, '--queue', redis.url, '--name', name, '--json'], {
        env,
      });
      submitter.stdin?.end();
      const submitted = collect(submitter, 60_000);

      expect(await eventually(() => outputRecords(output).length >= 3, 20_000)).toBe(true);
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await redis.start();

      const result = await submitted;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/is unavailable .*waiting for it/);
      expect(result.stderr).toContain('Redis is back');
      if (!persistent) expect(result.stderr).toMatch(/no longer in Redis; enqueued them again/);
      const records = outputRecords(output);
      expect(idCounts(records)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
      expect(records.every((r) => r['ok'] === true)).toBe(true);
      expect(JSON.parse(result.stdout)).toMatchObject({ done: 12, failed: 0 });
      // The workers lived through it and drain cleanly.
      const stopped = await Promise.all(suite.workers.map(stopWorker));
      expect(stopped.map((r) => r.code)).toEqual([0, 0]);
    });
  }
});
