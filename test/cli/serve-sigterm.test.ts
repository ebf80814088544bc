/**
 * `serve` always ends on SIGTERM, even when its stdout and stderr pipes are gone (the parent or the
 * log collector went away, so every log write fails with EPIPE): within the drain deadline plus the
 * kill grace, leaving no `claude` child behind.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_MARGIN_MS } from '../../src/cli/serve/run-serve.js';
import { createHarness, ensureBuilt, eventually, isRunning, listening, type CliHarness } from './helpers.js';

let h: CliHarness;
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness();
});
afterAll(() => h.cleanup());

const DRAIN_MS = 1500;
const KILL_GRACE_MS = 300;

/** Pids of the direct children of `pid` (the warm pool's `claude` processes). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

async function ask(url: string): Promise<void> {
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  await response.text();
}

describe('serve and a SIGTERM at once', () => {
  it('drains on a SIGTERM sent the moment it says it is listening (exit 0)', async () => {
    const config = join(h.dir, 'at-once.json');
    writeFileSync(config, JSON.stringify({ server: { port: 0, sessionStorePath: ':memory:' } }));
    // A supervisor may act on the line at once: the handlers must be there before it is written.
    const child = h.spawn(['serve', '--config', config]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (chunk.toString().includes('listening on')) child.kill('SIGTERM');
    });
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    expect(outcome, stderr).toEqual({ code: 0, signal: null });
    expect(stderr).toMatch(/SIGTERM: draining/);
  });
});

describe('serve and SIGTERM with closed output pipes', () => {
  it('exits within the drain deadline plus grace and leaves no claude child, every time', async () => {
    const config = join(h.dir, 'proxy.json');
    writeFileSync(
      config,
      JSON.stringify({
        killGraceMs: KILL_GRACE_MS,
        server: { port: 0, warmPoolSize: 1, sessionStorePath: ':memory:', drainTimeoutMs: DRAIN_MS },
      }),
    );
    for (let round = 0; round < 3; round += 1) {
      // Logs at info: every request writes, so the closed pipes are hit on the way out.
      const child = h.spawn(['serve', '--config', config], { env: { CLAUDE_LOG_LEVEL: 'info' } });
      const { url } = await listening(child);
      for (let i = 0; i < 3; i += 1) await ask(url);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      // Let the pool refill, so a warm `claude` is waiting when the signal comes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const claudes = childrenOf(child.pid!);
      expect(claudes.length).toBeGreaterThan(0);
      child.stdout?.destroy();
      child.stderr?.destroy();
      // One more request: its log line waits in the logger's batch, to be written at exit into
      // the closed pipe (pino's own destination spun forever on that).
      await ask(url);
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const outcome = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000)),
      ]);
      if (outcome === 'still running') child.kill('SIGKILL');
      expect(outcome, `round ${round}`).toEqual({ code: 0, signal: null });
      expect(Date.now() - sentAt).toBeLessThan(DRAIN_MS + KILL_GRACE_MS + 2000);
      for (const pid of claudes) {
        expect(await eventually(() => !isRunning(pid), 2000), `claude ${pid} after round ${round}`).toBe(
          true,
        );
      }
    }
  }, 60_000);

  it('a second SIGTERM during the drain exits at once with 143, killing the run still going', async () => {
    const hanging = await createHarness({ default: { kind: 'hang' } });
    try {
      const config = join(hanging.dir, 'proxy.json');
      writeFileSync(
        config,
        JSON.stringify({
          killGraceMs: KILL_GRACE_MS,
          // The fake's scenario and records, for the CLI processes the server spawns.
          env: hanging.fake.env,
          server: { port: 0, warmPoolSize: 0, sessionStorePath: ':memory:', drainTimeoutMs: 30_000 },
        }),
      );
      const child = hanging.spawn(['serve', '--config', config]);
      const { url } = await listening(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const pending = ask(url).catch(() => undefined); // never answered: the CLI hangs
      expect(await eventually(() => hanging.prompts().length > 0)).toBe(true);
      const claudes = childrenOf(child.pid!);
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(isRunning(child.pid!)).toBe(true); // draining: the run may still finish
      const sentAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(Date.now() - sentAt).toBeLessThan(2000);
      for (const pid of claudes) expect(await eventually(() => !isRunning(pid), 2000)).toBe(true);
      await pending;
    } finally {
      await hanging.cleanup();
    }
  }, 30_000);

  it('a shutdown that cannot finish is cut short at drain + grace + margin, exiting with 1', async () => {
    // A "Redis" that accepts connections and never answers: the conversation lookup, and the
    // store's close during shutdown, wait forever.
    const silent = createNetServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connections: Socket[] = [];
    silent.on('connection', (socket) => connections.push(socket));
    try {
      const { port } = silent.address() as AddressInfo;
      const config = join(h.dir, 'stuck.json');
      writeFileSync(
        config,
        JSON.stringify({
          killGraceMs: KILL_GRACE_MS,
          server: {
            port: 0,
            warmPoolSize: 0,
            sessionStoreRedisUrl: `redis://127.0.0.1:${port}`,
            drainTimeoutMs: 500,
          },
        }),
      );
      const child = h.spawn(['serve', '--config', config]);
      const { url, stderr } = await listening(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // A follow-up turn: its lookup goes to the silent store and never returns.
      void fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'sonnet',
          max_tokens: 10,
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: 'b' },
            { role: 'user', content: 'c' },
          ],
        }),
      }).catch(() => undefined);
      expect(await eventually(() => connections.length > 0)).toBe(true);
      const sentAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      const took = Date.now() - sentAt;
      expect(took).toBeGreaterThanOrEqual(500 + KILL_GRACE_MS + SHUTDOWN_MARGIN_MS - 100);
      expect(took).toBeLessThan(500 + KILL_GRACE_MS + SHUTDOWN_MARGIN_MS + 2000);
      expect(stderr()).toMatch(/shutdown did not finish/);
    } finally {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);
});
