/**
 * SIGTERM behaviour of the proxy: stop accepting, let in-flight runs finish up to the deadline, then kill.
 */
import { describe, expect, it } from 'vitest';
import { eventually, isRunning } from '../integration/helpers.js';
import { cliRuns, startHarness } from './server-harness.js';

const body = JSON.stringify({
  model: 'claude-sonnet-5-5',
  max_tokens: 50,
  messages: [{ role: 'user', content: 'slow one' }],
});
const post = (url: string) =>
  fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('graceful drain', () => {
  it('finishes in-flight requests and refuses new connections', async () => {
    const harness = await startHarness(
      { default: { kind: 'reply', chunks: ['a', 'b', 'c'], chunkDelayMs: 300 } },
      { drainTimeoutMs: 10_000 },
    );
    const inFlight = post(harness.url);
    await eventually(() => cliRuns(harness.fake).some((r) => r.stdin.length > 1));
    const closing = harness.server.close();
    await new Promise((r) => setTimeout(r, 100));
    await expect(post(harness.url)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { content: Array<{ text: string }> }).content[0]?.text).toBe('abc');
    await closing;
    await harness.fake.cleanup();
  });

  it('kills runs still going at the deadline', async () => {
    const harness = await startHarness({ default: { kind: 'hang' } }, { drainTimeoutMs: 300 });
    const inFlight = post(harness.url).catch((e: unknown) => e);
    await eventually(() =>
      cliRuns(harness.fake).some((r) => r.stdin.some((l) => (l as { type?: string }).type === 'user')),
    );
    const pid =
      cliRuns(harness.fake).find((r) => r.stdin.some((l) => (l as { type?: string }).type === 'user'))?.pid ??
      -1;
    const started = Date.now();
    await harness.server.close();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await eventually(() => !isRunning(pid))).toBe(true);
    await inFlight;
    await harness.fake.cleanup();
  });
});
