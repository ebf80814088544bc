/**
 * SIGTERM behaviour of the proxy: stop accepting, let in-flight runs finish up to the deadline, then kill.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { eventually, fakeWrapper, isRunning } from '../integration/helpers.js';
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
    // Cut by the server, not by the client: an overload answer the SDKs retry, not 499.
    const response = (await inFlight) as Response;
    expect(response.status).toBe(529);
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect(((await response.json()) as { error: { type: string; message: string } }).error).toMatchObject({
      type: 'overloaded_error',
      message: expect.stringContaining('shutting down'),
    });
    await harness.fake.cleanup();
  });

  it("stops runs waiting for client tool results, and only this server's runs", async () => {
    const harness = await startHarness({
      default: { kind: 'reply', clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
    });
    // Another wrapper in the same process, busy: the server's shutdown must leave it alone.
    const other = await fakeWrapper({ default: { kind: 'hang' } });
    const busy = other.wrapper.run('unrelated').catch(() => undefined);
    await eventually(() => other.fake.invocations().some((r) => r.stdin.length > 0));
    const otherPid = other.fake.invocations()[0]?.pid ?? -1;

    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const first = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 50,
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
      ],
      messages: [{ role: 'user', content: 'weather?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const suspendedPid = cliRuns(harness.fake)[0]?.pid ?? -1;
    expect(isRunning(suspendedPid)).toBe(true);

    await harness.server.close();
    expect(await eventually(() => !isRunning(suspendedPid))).toBe(true);
    expect(isRunning(otherPid)).toBe(true);

    await other.wrapper.close();
    process.kill(otherPid, 'SIGKILL');
    await busy;
    await other.fake.cleanup();
    await harness.fake.cleanup();
  });
});
