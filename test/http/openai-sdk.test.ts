/**
 * The unmodified official `openai` client against the proxy, backed by the fake CLI.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { initializeRequest } from '../integration/initialize-request.js';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('openai client against the proxy', () => {
  it('creates a chat completion with system prompt and usage', async () => {
    harness = await startHarness({
      default: { kind: 'reply', text: 'pong', usage: { input_tokens: 9, output_tokens: 1 } },
      resolveModelAliases: true,
    });
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'ping' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('claude-sonnet-5-5');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'pong' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 });
    const run = cliRuns(harness.fake)[0];
    expect(initializeRequest(run)?.['systemPrompt']).toBe('You are terse.');
    expect(run?.argv.join(' ')).not.toContain('You are terse.');
  });

  it('streams chunks with a role delta, finish_reason, usage chunk and [DONE]', async () => {
    harness = await startHarness({ default: { kind: 'reply', chunks: ['one ', 'two'] } });
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const raw = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await raw.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toMatch(/^event:/m);
  });

  it('lists models in the OpenAI shape', async () => {
    harness = await startHarness();
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const page = await client.models.list();
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'anthropic' });
  });

  it('maps errors to the OpenAI error classes', async () => {
    harness = await startHarness(
      { default: { kind: 'api_error', status: 529 } },
      { apiKeys: ['sk-openai-test-1'] },
    );
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'sk-openai-test-1', maxRetries: 0 });
    const overloaded = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const bad = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [], n: 2 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    const wrongKey = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'sk-wrong-key-00', maxRetries: 0 });
    await expect(
      wrongKey.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
