/**
 * `claude-wrapper health --deep`: one minimal real call through the real CLI (offline, against the
 * fake Messages API) tells "ok" from "key rejected" (the API answered 401), from "not logged in"
 * (no credentials, no call) and from "cannot reach the API".
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary } from '../fixtures/real-cli.mjs';
import { baseEnv, collect, ensureBuilt, spawnCli, type CliResult } from './helpers.js';

let api: FakeApi;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  ensureBuilt();
  api = await startFakeApi();
});
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  await api.close();
});

/** `health --deep --json` with the real CLI pointed at `apiUrl`, in a throwaway HOME. */
async function deepHealth(apiUrl: string, options: { key?: boolean } = {}): Promise<CliResult> {
  const cli = await makeCliEnv(apiUrl);
  cleanups.push(() => cli.cleanup());
  const env: Record<string, string | undefined> = {
    ...baseEnv(cli.home),
    ...cli.env,
    CLAUDE_BINARY: realClaudeBinary(),
  };
  if (options.key === false) delete env['ANTHROPIC_API_KEY'];
  const child = spawnCli(['health', '--deep', '--json'], env, cli.cwd);
  child.stdin?.end();
  return collect(child, 60_000);
}

function deepOf(result: CliResult): { outcome: string; error?: string } {
  return (JSON.parse(result.stdout) as { deep: { outcome: string; error?: string } }).deep;
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('health --deep', () => {
  it('is ok when the API answers, after exactly one small call', async () => {
    api.reset();
    const result = await deepHealth(api.url);
    expect(result.code, result.stderr).toBe(0);
    expect(deepOf(result)).toMatchObject({ outcome: 'ok' });
    const calls = api.messageRequests();
    expect(calls).toHaveLength(1);
    const body = calls[0]?.body as { model: string; tools?: unknown[]; system?: unknown };
    expect(body.model).toMatch(/haiku/);
    expect(body.tools ?? []).toEqual([]);
    expect(JSON.stringify(body.system)).toContain('You are a health check.');
  });

  it('says "key rejected" when the API answers 401', async () => {
    api.reset();
    api.setDefault({ kind: 'error', status: 401 });
    const result = await deepHealth(api.url);
    expect(result.code).toBe(1);
    expect(deepOf(result)).toMatchObject({
      outcome: 'key_rejected',
      error: expect.stringContaining('HTTP 401'),
    });
    expect(result.stdout).toContain('The API rejected the credentials');
    expect(api.messageRequests()).toHaveLength(1);
  });

  it('says "not logged in" without calling the API when there are no credentials', async () => {
    api.reset();
    const result = await deepHealth(api.url, { key: false });
    expect(result.code).toBe(1);
    expect(deepOf(result)).toMatchObject({ outcome: 'not_logged_in' });
    expect(api.messageRequests()).toHaveLength(0);
  });

  it('says "cannot reach the API" when nothing answers', async () => {
    const result = await deepHealth(`http://127.0.0.1:${await closedPort()}`);
    expect(result.code).toBe(1);
    expect(deepOf(result)).toMatchObject({ outcome: 'unreachable' });
    expect(result.stdout).toContain('Cannot reach the API');
  });

  it('prints one line per fact without --json', async () => {
    api.reset();
    api.setDefault({ kind: 'error', status: 401 });
    const cli = await makeCliEnv(api.url);
    cleanups.push(() => cli.cleanup());
    const env = { ...baseEnv(cli.home), ...cli.env, CLAUDE_BINARY: realClaudeBinary() };
    const child = spawnCli(['health', '--deep'], env, cli.cwd);
    child.stdin?.end();
    const result = await collect(child, 60_000);
    expect(result.stdout).toMatch(/^api: +key rejected \(the API answered 401\) \(\d+ ms\)$/m);
    expect(result.stdout).toMatch(/^status: +unhealthy$/m);
  });
});
