/**
 * `/health` is a cheap unauthenticated probe (status only, no spawn per call); `/health/details`
 * has the binary, credentials and load, behind the API key when keys are set.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
// Credentials as the CLI would find them (the probe only looks at where they come from).
const savedKey = process.env['ANTHROPIC_API_KEY'];
beforeAll(() => {
  process.env['ANTHROPIC_API_KEY'] = 'sk-ant-test';
});
afterAll(() => {
  if (savedKey === undefined) delete process.env['ANTHROPIC_API_KEY'];
  else process.env['ANTHROPIC_API_KEY'] = savedKey;
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A `claude` that only answers `--version`, counting its calls in a file. */
async function countingBinary(): Promise<{ path: string; calls: () => number }> {
  const dir = await mkdtemp(join(tmpdir(), 'health-probe-'));
  const count = join(dir, 'calls');
  await writeFile(count, '');
  const path = join(dir, 'claude');
  await writeFile(path, `#!/bin/sh\necho x >> '${count}'\necho '9.9.9 (Claude Code)'\n`);
  await chmod(path, 0o755);
  return { path, calls: () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length };
}

describe('/health', () => {
  it('answers {status} only, without a key, and never spawns per call', async () => {
    const probe = await countingBinary();
    harness = await startHarness({}, { apiKeys: ['sk-test-123456'], wrapper: { claudeBinary: probe.path } });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${harness?.url ?? ''}/health`)),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    for (let i = 0; i < 20; i += 1) await fetch(`${harness.url}/health`);
    expect(probe.calls()).toBe(1);
    expect((await fetch(`${harness.url}/health/live`)).status).toBe(200);
  });

  it('answers 503 {status: unavailable} when the CLI is missing, with no details', async () => {
    harness = await startHarness({}, { wrapper: { claudeBinary: '/nonexistent/claude' } });
    const res = await fetch(`${harness.url}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });
});

describe('/health/details', () => {
  it('needs the key when keys are set, and then reports binary, credentials, load and breaker', async () => {
    const probe = await countingBinary();
    harness = await startHarness({}, { apiKeys: ['sk-test-123456'], wrapper: { claudeBinary: probe.path } });
    const anonymous = await fetch(`${harness.url}/health/details`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('9.9.9');
    const res = await fetch(`${harness.url}/health/details`, { headers: { 'x-api-key': 'sk-test-123456' } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as Record<string, unknown>;
    expect(report).toMatchObject({
      status: 'ok',
      binary: { found: true, version: '9.9.9' },
      credentials: { configured: true },
      load: { running: 0, queued: 0 },
    });
    expect(report).toHaveProperty('breaker');
    expect(report).toHaveProperty('warmPool');
    // The server and its children; on Linux at least the server itself (~50+ MB) and some CPU.
    if (process.platform === 'linux') {
      expect(report['processTree']).toMatchObject({ processes: expect.any(Number) as number });
      const tree = report['processTree'] as { rssBytes: number; cpuSeconds: number };
      expect(tree.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
      expect(tree.cpuSeconds).toBeGreaterThan(0);
    }
    await fetch(`${harness.url}/health/details`, { headers: { 'x-api-key': 'sk-test-123456' } });
    expect(probe.calls()).toBe(1);
  });

  it('answers 503 with the problems when the CLI is missing', async () => {
    harness = await startHarness({}, { wrapper: { claudeBinary: '/nonexistent/claude' } });
    const res = await fetch(`${harness.url}/health/details`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unhealthy', binary: { found: false } });
  });
});
