/**
 * `batch --queue --key-name`: items run under a `server.keys` entry's limits through the same usage
 * store as the proxy (one Redis): a daily budget spent partly by a proxy-side charge stops further
 * items (they wait in the queue, shown by `batch status`), and the key's maxConcurrent holds across
 * two workers. Built CLI, real redis-server, fake Claude CLI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../src/http/middleware/auth.js';
import { KeyUsage } from '../../src/resilience/usage/key-usage.js';
import { eventually } from './helpers.js';
import {
  outputRecords,
  startWorker,
  stopWorker,
  useQueueSuite,
  type WorkerProcess,
} from './queue-helpers.js';

const TEAM_KEY = 'team-key-0123456789';

/** Each item answers in 3 chunks this far apart and costs `costUsd`. */
const scenario = (chunkDelayMs: number, costUsd: number) =>
  JSON.stringify({ default: { kind: 'reply', chunks: ['a', 'b', 'c'], chunkDelayMs, costUsd } });

describe('queued batch under a named key', () => {
  const suite = useQueueSuite();

  function writeConfig(name: string, team: Record<string, unknown>): string {
    const path = join(suite.h.dir, name);
    writeFileSync(path, JSON.stringify({ server: { keys: [{ name: 'team', key: TEAM_KEY, ...team }] } }));
    return path;
  }

  it('refuses an unknown key name at submission; a spent daily budget shared with the proxy makes items wait', async () => {
    const redis = await suite.startRedis();
    const config = writeConfig('budget.json', { dailyUsd: 2 });
    const env = {
      CLAUDE_WRAPPER_QUEUE_URL: redis.url,
      CLAUDE_CONFIG_PATH: config,
      FAKE_CLAUDE_SCENARIO: scenario(10, 1),
    };
    const input = suite.writeInput('budget.jsonl', ['b:1', 'b:2', 'b:3']);

    const unknown = await suite.h.run(['batch', input, '--queue', '--detach', '--key-name', 'nobody'], {
      env,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--key-name nobody: no such entry in server.keys');
    expect(unknown.stderr).toContain('known: team');
    expect(unknown.stderr).not.toContain(TEAM_KEY);

    // The proxy spent $1 of the key's $2 today: the same store, the same client id.
    const usage = KeyUsage.open({ redisUrl: redis.url });
    const team = {
      id: keyFingerprint(TEAM_KEY),
      name: 'team',
      limits: { requestsPerMinute: 0, maxConcurrent: 0, dailyUsd: 2 },
    };
    usage.charge(team, 1);
    await usage.close();

    const before = suite.h.prompts().length;
    const submitted = await suite.h.run(
      ['batch', input, '--queue', '--detach', '--name', 'budget', '--key-name', 'team', '--json'],
      { env },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(JSON.stringify(submitted)).not.toContain(TEAM_KEY);
    suite.workers.push(await startWorker(suite.h, ['--queue', '--concurrency', '1'], env));
    // One item fits under the budget ($1 spent + its $1 = $2); the other two wait for midnight UTC.
    const worker = suite.workers[0] as WorkerProcess;
    expect(
      await eventually(() => (worker.log().match(/waiting budget\/b:\d/g) ?? []).length >= 2, 20_000),
    ).toBe(true);
    expect(worker.log()).toContain("Daily budget of $2.00 for key 'team' reached");
    const status = await suite.h.run(['batch', 'status', 'budget', '--queue', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ total: 3, done: 1, failed: 0, waiting: 2 });
    expect(suite.h.prompts().length - before).toBe(1);

    const reader = KeyUsage.open({ redisUrl: redis.url });
    expect((await reader.report(team)).dailyUsd.used).toBeCloseTo(2, 6);
    await reader.close();
    expect((await stopWorker(worker)).code).toBe(0);
  });

  it('fails the items of a key the worker does not know, with the reason', async () => {
    const redis = await suite.startRedis();
    const env = {
      CLAUDE_WRAPPER_QUEUE_URL: redis.url,
      CLAUDE_CONFIG_PATH: writeConfig('submitter.json', {}),
      FAKE_CLAUDE_SCENARIO: scenario(10, 0.001),
    };
    const input = suite.writeInput('unknown.jsonl', ['u:1']);
    const submitted = await suite.h.run(
      ['batch', input, '--queue', '--detach', '--name', 'unk', '--key-name', 'team'],
      {
        env,
      },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const otherConfig = join(suite.h.dir, 'other.json');
    writeFileSync(
      otherConfig,
      JSON.stringify({ server: { keys: [{ name: 'other', key: 'other-key-0123456789' }] } }),
    );
    const before = suite.h.prompts().length;
    suite.workers.push(
      await startWorker(suite.h, ['--queue', '--concurrency', '1'], {
        ...env,
        CLAUDE_CONFIG_PATH: otherConfig,
      }),
    );
    const results = await suite.h.run(['batch', 'results', 'unk', '--queue', '--json'], { env });
    expect(results.code).toBe(1);
    const [record] = outputRecords(join(suite.h.dir, 'unknown.out.jsonl'));
    expect(record).toMatchObject({ id: 'u:1', ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(record)).toContain('--key-name team: no such entry in server.keys');
    expect(suite.h.prompts().length - before).toBe(0);
  });

  it("holds the key's maxConcurrent across two workers", async () => {
    const redis = await suite.startRedis();
    const config = writeConfig('concurrency.json', { maxConcurrent: 1 });
    const env = {
      CLAUDE_WRAPPER_QUEUE_URL: redis.url,
      CLAUDE_CONFIG_PATH: config,
      FAKE_CLAUDE_SCENARIO: scenario(150, 0.001),
    };
    const ids = ['c:1', 'c:2', 'c:3', 'c:4'];
    const input = suite.writeInput('concurrency.jsonl', ids);
    const submitted = await suite.h.run(
      ['batch', input, '--queue', '--detach', '--name', 'conc', '--key-name', 'team'],
      { env },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    suite.workers.push(await startWorker(suite.h, ['--queue', '--concurrency', '2'], env));
    suite.workers.push(await startWorker(suite.h, ['--queue', '--concurrency', '2'], env));
    const results = await suite.h.run(['batch', 'results', 'conc', '--queue', '--json'], {
      env,
      timeoutMs: 60_000,
    });
    expect(results.code, results.stderr).toBe(0);
    expect(JSON.parse(results.stdout)).toMatchObject({ done: 4, failed: 0 });

    // Each item's run (finishedAt - durationMs .. finishedAt) lies inside its admission: none overlap.
    const spans = outputRecords(join(suite.h.dir, 'concurrency.out.jsonl'))
      .map((r) => {
        const end = Date.parse(String(r['finishedAt']));
        return [end - Number(r['durationMs']), end] as const;
      })
      .sort((a, b) => a[0] - b[0]);
    expect(spans).toHaveLength(4);
    for (let i = 1; i < spans.length; i += 1) {
      expect(spans[i]?.[0]).toBeGreaterThanOrEqual(spans[i - 1]?.[1] ?? Infinity);
    }
    // The limit was met, and met by waiting, not failing.
    expect(suite.workers.map((w) => w.log()).join('\n')).toMatch(
      /waiting conc\/c:\d .*Concurrency limit of 1 run at once for key 'team'/,
    );
    expect((await Promise.all(suite.workers.map(stopWorker))).map((r) => r.code)).toEqual([0, 0]);
  });
});
