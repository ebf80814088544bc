/**
 * The unmodified official Anthropic SDKs (1.x and 0.x) against the proxy, backed by the fake CLI.
 */
import Anthropic from '@anthropic-ai/sdk';
import AnthropicV0 from 'anthropic-sdk-v0';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, isRunning } from '../integration/helpers.js';
import { initializeRequest } from '../integration/initialize-request.js';
import { cliRuns, isUserLine, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const params = {
  model: 'claude-sonnet-5-5',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'hello proxy' }],
};

describe('@anthropic-ai/sdk 1.x against the proxy', () => {
  it('creates a message', async () => {
    harness = await startHarness({
      default: { kind: 'reply', text: 'Hi from Claude', usage: { input_tokens: 20, output_tokens: 4 } },
    });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const { data: message, response } = await client.messages
      .create({ ...params, system: 'Be brief.' })
      .withResponse();
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('claude-sonnet-5-5');
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hi from Claude' })]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 4 });
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(Number(response.headers.get('x-claude-cost-usd'))).toBeGreaterThan(0);
    // `system` replaced Claude Code's prompt, and callers get no CLI tools.
    const run = cliRuns(harness.fake)[0];
    expect(initializeRequest(run)?.['systemPrompt']).toBe('Be brief.');
    expect(run?.argv.join(' ')).not.toContain('Be brief.');
    const argv = run?.argv ?? [];
    expect(argv[argv.indexOf('--tools') + 1]).toBe('');
  });

  it('serves requests from the warm pool', async () => {
    harness = await startHarness({ default: { kind: 'reply', text: 'pooled' } }, { warmPoolSize: 1 });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    // A configuration seen once gets no pooled process (it may never come back); the second
    // request of the same configuration starts the pool, and the third is handed a warm process.
    await client.messages.create(params);
    const fake = harness.fake;
    await new Promise((r) => setTimeout(r, 200));
    expect(cliRuns(fake)).toHaveLength(1);
    await client.messages.create(params);
    await eventually(() => cliRuns(fake).some((r) => !r.stdin.some(isUserLine)));
    await new Promise((r) => setTimeout(r, 200));
    const message = await client.messages.create(params);
    expect(message.content[0]).toMatchObject({ text: 'pooled' });
    const served = cliRuns(fake).filter((r) => r.stdin.some(isUserLine));
    expect(served).toHaveLength(3);
    // Remote callers run in a fresh, empty directory per process, pooled or not.
    for (const run of served) expect(run.cwd).toMatch(/claude-code-wrapper\/run-/);
    const health = (await (await fetch(`${harness.url}/health/details`)).json()) as {
      warmPool: { handoffs: number };
    };
    expect(health.warmPool.handoffs).toBe(1);
  });

  it('streams with text events, finalText and finalMessage', async () => {
    harness = await startHarness({ default: { kind: 'reply', chunks: ['Hel', 'lo', ' there'] } });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const texts: string[] = [];
    const stream = client.messages.stream(params).on('text', (t) => texts.push(t));
    expect(await stream.finalText()).toBe('Hello there');
    expect(texts).toEqual(['Hel', 'lo', ' there']);
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams raw events in the API order', async () => {
    harness = await startHarness({ default: { kind: 'reply', chunks: ['a', 'b'] } });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types).toContain('content_block_start');
    expect(types.filter((t) => t === 'content_block_delta')).toHaveLength(2);
  });

  it('counts tokens and lists models', async () => {
    harness = await startHarness();
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const count = await client.messages.countTokens({ model: params.model, messages: params.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('claude-sonnet-5-5');
    const model = await client.models.retrieve('claude-sonnet-5-5');
    expect(model.type).toBe('model');
  });

  it('maps errors to the SDK error classes', async () => {
    harness = await startHarness({ default: { kind: 'api_error', status: 401 } });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    await expect(client.messages.create({ ...params, messages: [] })).rejects.toBeInstanceOf(
      Anthropic.BadRequestError,
    );
    const auth = await client.messages.create(params).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((auth as Error).message).toMatch(/login|ANTHROPIC_API_KEY/);
    await harness.fake.setScenario({ default: { kind: 'api_error', status: 529 } });
    const overloaded = await client.messages.create(params).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('answers 529 overloaded with retry-after when all slots and the queue are full', async () => {
    harness = await startHarness({ default: { kind: 'hang' } }, { maxConcurrent: 1, maxQueue: 0 });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const hanging = client.messages.create(params).catch(() => undefined);
    const fake = harness.fake;
    await eventually(() => cliRuns(fake).length === 1);
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(params),
    });
    expect(response.status).toBe(529);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    await harness.close();
    harness = undefined;
    await hanging;
  });

  it('kills the CLI within a second when the client disconnects mid-stream', async () => {
    harness = await startHarness({
      default: { kind: 'reply', chunks: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 400 },
    });
    const controller = new AbortController();
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    const pid = cliRuns(harness.fake)[0]?.pid ?? -1;
    expect(isRunning(pid)).toBe(true);
    controller.abort();
    const started = Date.now();
    expect(await eventually(() => !isRunning(pid), 2000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('@anthropic-ai/sdk 0.x against the proxy', () => {
  it('creates and streams with x-api-key auth', async () => {
    harness = await startHarness(
      { default: { kind: 'reply', text: 'old sdk ok' } },
      { apiKeys: ['sk-test-key-123'] },
    );
    const client = new AnthropicV0({ baseURL: harness.url, apiKey: 'sk-test-key-123', maxRetries: 0 });
    const message = await client.messages.create(params);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'old sdk ok' });
    expect(await client.messages.stream(params).finalText()).toBe('old sdk ok');
    const wrong = new AnthropicV0({ baseURL: harness.url, apiKey: 'sk-wrong-key-000', maxRetries: 0 });
    await expect(wrong.messages.create(params)).rejects.toBeInstanceOf(AnthropicV0.AuthenticationError);
  });
});
