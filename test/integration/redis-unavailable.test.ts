/**
 * Redis configured but not running (a closed loopback port), then started.
 * - The README's resilience snippet, run as a user's script: the run fails with the project's
 *   ClaudeCodeStoreUnavailableError, one line naming the URL with the password redacted; stderr
 *   has the one warning and no "[ioredis] Unhandled error event" lines; the script exits by itself.
 * - The shared rate limit fails fast (no CLI started): running without it could exceed the
 *   account's quota. The response cache and the conversation map carry on without Redis, with one
 *   warning per outage. Once Redis is started, all three work again without a restart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type ProxyServer } from '../../src/http/server.js';
import { ClaudeCodeStoreUnavailableError, ClaudeCodeWrapper } from '../../src/index.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { freePort, REDIS_MISSING, redisAvailable, startRedis } from '../fixtures/redis-server.js';
import { skipAllUnless } from '../support/index.js';

/** The built package entry (npm test builds before vitest): what a user's script imports. */
const PACKAGE = new URL('../../dist/index.js', import.meta.url).pathname;
const README = new URL('../../README.md', import.meta.url);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeCli(): Promise<FakeClaude> {
  const fake = await withFakeClaude();
  cleanups.push(() => fake.cleanup());
  return fake;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccw-redis-down-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** CLI runs the fake recorded (not `--version` probes). */
const cliRuns = (fake: FakeClaude) => fake.invocations().filter((run) => !run.argv.includes('--version'));

/** A pino logger writing parsed lines into an array. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(text) as Record<string, unknown>);
      }
      done();
    },
  });
  const events = (pattern: RegExp) => lines.filter((line) => pattern.test(String(line['event'])));
  return { logger: pino({ level: 'warn' }, sink), events };
}

/** Retry `attempt` every 250 ms until it returns true (Redis reconnects in the background, ≤ 2 s apart). */
async function until(attempt: () => Promise<boolean>, tries = 40): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (await attempt()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** The first `ts` block of the README's resilience section, split around its `await claude.close()`. */
function resilienceSnippet(): { setup: string; teardown: string } {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Resilience, cache and observability'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README: no code block in the resilience section');
  const close = code.indexOf('await claude.close()');
  if (close < 0) throw new Error('README: the resilience snippet does not close the wrapper');
  return { setup: code.slice(0, close), teardown: code.slice(close) };
}

describe('the README resilience snippet with Redis down', () => {
  it('fails the run with ClaudeCodeStoreUnavailableError, one redacted line, no ioredis noise, and exits', async () => {
    const fake = await fakeCli();
    const home = tempDir();
    const url = `redis://:s3cret@127.0.0.1:${await freePort()}`;
    const { setup, teardown } = resilienceSnippet();
    expect(setup).toContain("redisUrl: 'redis://127.0.0.1:6379'");
    const script = [
      `import { ClaudeCodeError, ClaudeCodeStoreUnavailableError, ClaudeCodeWrapper } from ${JSON.stringify(PACKAGE)};`,
      setup.replace("'redis://127.0.0.1:6379'", JSON.stringify(url)),
      `for (const prompt of ['first', 'second']) {
        try {
          await claude.run(prompt);
          console.log(JSON.stringify({ ok: true }));
        } catch (error) {
          console.log(JSON.stringify({
            name: error.name,
            storeError: error instanceof ClaudeCodeStoreUnavailableError,
            claudeCodeError: ClaudeCodeError.isInstance(error),
            code: error.code, purpose: error.purpose, url: error.url, reason: error.reason,
            message: error.message,
          }));
        }
      }`,
      teardown,
    ].join('\n');
    const env: Record<string, string> = {
      HOME: home,
      PATH: process.env['PATH'] ?? '',
      CLAUDE_BINARY: fake.binary,
    };
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    clearTimeout(killer);

    // It ended by itself, normally.
    expect(exit, stderr).toEqual({ code: 0, signal: null });
    const outcomes = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(outcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        name: 'ClaudeCodeStoreUnavailableError',
        storeError: true,
        claudeCodeError: true,
        code: 'STORE_UNAVAILABLE',
        purpose: 'rate limit',
        url: url.replace('s3cret', '***'),
        reason: 'ECONNREFUSED',
      });
      const message = String(outcome['message']);
      expect(message).not.toContain('\n');
      expect(message).toContain(url.replace('s3cret', '***'));
      expect(message).not.toContain('s3cret');
    }
    // stderr: the wrapper's one warning (JSON), nothing from ioredis.
    expect(stderr).not.toMatch(/ioredis|Unhandled error event/);
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { event?: string }).event)).toEqual([
      'rate_limit_store_unavailable',
    ]);
    expect(stderr).not.toContain('s3cret');
  }, 30_000);
});

describe('the proxy with the shared rate limit on Redis down', () => {
  it('answers 529 (503 on the OpenAI routes) without the store address; the server log names it once', async () => {
    const fake = await fakeCli();
    const { logger, events } = capturingLogger();
    const redisUrl = `redis://:s3cret@127.0.0.1:${await freePort()}`;
    const server = createServer(
      {
        port: 0,
        sessionStorePath: ':memory:',
        warmPoolSize: 0,
        wrapper: {
          claudeBinary: fake.binary,
          env: fake.env,
          killGraceMs: 300,
          requestsPerMinute: 60,
          redisUrl,
        },
      },
      { logger },
    );
    cleanups.push(() => server.close());
    const { url } = await server.listen();
    const post = (path: string, body: object) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const messages = [{ role: 'user', content: 'hi' }];
    for (const [path, body, status] of [
      ['/v1/messages', { model: 'sonnet', max_tokens: 10, messages }, 529],
      ['/v1/messages', { model: 'sonnet', max_tokens: 10, messages }, 529],
      ['/v1/chat/completions', { model: 'sonnet', messages }, 503],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(status);
      expect(response.headers.get('retry-after')).not.toBeNull();
      const text = await response.text();
      expect(text).toContain('rate limit store is unavailable');
      expect(text).not.toContain('127.0.0.1');
    }
    expect(cliRuns(fake)).toEqual([]);
    const warnings = events(/^rate_limit_store_/);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.['message'])).toContain(redisUrl.replace('s3cret', '***'));
  });
});

describe('Redis down, then back', () => {
  skipAllUnless(redisAvailable, REDIS_MISSING);

  /** A URL where Redis will be started by `start()`; until then nothing listens there. */
  async function laterRedis() {
    const port = await freePort();
    return {
      url: `redis://127.0.0.1:${port}`,
      async start() {
        const redis = await startRedis(port);
        cleanups.push(() => redis.stop());
      },
    };
  }

  it('rate limit: fails fast without starting the CLI, then admits runs once Redis is up', async () => {
    const fake = await fakeCli();
    const redis = await laterRedis();
    const { logger, events } = capturingLogger();
    const wrapper = new ClaudeCodeWrapper(
      {
        claudeBinary: fake.binary,
        env: fake.env,
        killGraceMs: 300,
        requestsPerMinute: 60,
        redisUrl: redis.url,
      },
      { logger },
    );
    cleanups.push(() => wrapper.close());

    for (const prompt of ['one', 'two']) {
      const failure = await wrapper.run(prompt).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ClaudeCodeStoreUnavailableError);
      expect(failure).toMatchObject({ purpose: 'rate limit', url: redis.url, isRetryable: true });
    }
    expect(cliRuns(fake)).toEqual([]);
    expect(events(/^rate_limit_store_/)).toHaveLength(1);

    await redis.start();
    expect(
      await until(() =>
        wrapper.run('three').then(
          (response) => !response.isError,
          () => false,
        ),
      ),
    ).toBe(true);
    expect(events(/^rate_limit_store_/)).toHaveLength(1);
  }, 30_000);

  it('response cache: runs succeed uncached with one warning, then hit the cache once Redis is up', async () => {
    const fake = await fakeCli();
    const redis = await laterRedis();
    const { logger, events } = capturingLogger();
    const wrapper = new ClaudeCodeWrapper(
      {
        claudeBinary: fake.binary,
        env: fake.env,
        killGraceMs: 300,
        redisUrl: redis.url,
        cache: { ttlMs: 600_000, store: 'redis' },
      },
      { logger },
    );
    cleanups.push(() => wrapper.close());

    for (const prompt of ['same', 'same', 'other']) {
      const response = await wrapper.run(prompt);
      expect(response.isError).toBe(false);
      expect(response.cached).not.toBe(true);
    }
    expect(cliRuns(fake)).toHaveLength(3);
    const warnings = events(/^cache_store_/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(String(warnings[0]?.['message'])).toContain(redis.url);

    await redis.start();
    // A miss stores the answer once Redis is back; the next identical run is then a hit.
    expect(await until(async () => (await wrapper.run('after')).cached === true)).toBe(true);
    expect(events(/^cache_store_/)).toHaveLength(1);
  }, 30_000);

  it('conversation map: two proxies answer with one warning each, then resume each other’s conversations once Redis is up', async () => {
    const fake = await fakeCli();
    const redis = await laterRedis();
    // One HOME for both: the CLI sessions they resume are on this machine's disk.
    const home = tempDir();
    /** A proxy on the shared conversation map, and how to ask it. */
    const proxy = async () => {
      const { logger, events } = capturingLogger();
      const server: ProxyServer = createServer(
        {
          port: 0,
          sessionStoreRedisUrl: redis.url,
          warmPoolSize: 0,
          wrapper: { claudeBinary: fake.binary, env: { ...fake.env, HOME: home }, killGraceMs: 300 },
        },
        { logger },
      );
      cleanups.push(() => server.close());
      const { url } = await server.listen();
      const ask = async (messages: { role: 'user' | 'assistant'; content: string }[]) => {
        const response = await fetch(`${url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'sonnet', max_tokens: 100, messages }),
        });
        const body = (await response.json()) as { content?: { text: string }[] };
        return {
          status: response.status,
          text: body.content?.[0]?.text ?? '',
          context: response.headers.get('x-claude-code-context'),
        };
      };
      return { ask, events };
    };
    const [a, b] = await Promise.all([proxy(), proxy()]);
    /** A conversation started on A and continued on B (Redis is how B knows A's session). */
    const acrossServers = async (prompt: string) => {
      const first = await a.ask([{ role: 'user', content: prompt }]);
      expect(first.status).toBe(200);
      return b.ask([
        { role: 'user', content: prompt },
        { role: 'assistant', content: first.text },
        { role: 'user', content: 'and then?' },
      ]);
    };

    // Down: both turns are answered; the second cannot resume what was never stored.
    const down = await acrossServers('while down');
    expect(down.status).toBe(200);
    expect(down.context).not.toBe('resumed');
    expect(a.events(/^session_store_/)).toHaveLength(1);
    expect(b.events(/^session_store_/)).toHaveLength(1);

    await redis.start();
    let attempt = 0;
    expect(await until(async () => (await acrossServers(`after ${attempt++}`)).context === 'resumed')).toBe(
      true,
    );
    for (const server of [a, b]) expect(server.events(/^session_store_/)).toHaveLength(1);
  }, 30_000);
});
