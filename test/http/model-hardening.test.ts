/**
 * A proxy request naming an absurd model ends as a structured 400 before any CLI is spawned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

describe('model name from a proxy request', () => {
  it.each([
    ['/v1/messages', { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }],
    ['/v1/messages/count_tokens', { messages: [{ role: 'user', content: 'hi' }] }],
    ['/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }],
  ])('%s: a 200 KB model is a 400, not a spawn', async (path, body) => {
    const before = cliRuns(h.fake).length;
    const model = `claude-${'x'.repeat(200_000)}`;
    const { status, json } = await post(path, { ...body, model });
    expect(status).toBe(400);
    expect(JSON.stringify(json)).toMatch(/model/);
    expect(JSON.stringify(json).length).toBeLessThan(5000);
    expect(cliRuns(h.fake).length).toBe(before);
  });
});

describe('model names the request schemas accept', () => {
  it.each(['é'.repeat(50), 'gpt-4o\n', '-rf', 'a b'])('refuses %j with 400 on both APIs', async (model) => {
    const messages = [{ role: 'user', content: 'hi' }];
    expect((await post('/v1/messages', { model, max_tokens: 5, messages })).status).toBe(400);
    expect((await post('/v1/chat/completions', { model, messages })).status).toBe(400);
  });

  it.each([
    'gpt-4o',
    'claude-opus-4-1[1m]',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'ft:gpt-4o:org:x:1',
  ])('accepts %s', async (model) => {
    const res = await post('/v1/messages/count_tokens', {
      model,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(200);
  });
});

describe('OpenAI tool_choice', () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
  const base = { model: 'gpt-4o', messages: [{ role: 'user', content: 'weather?' }] };

  it('refuses a tool_choice without tools, and one naming a function not in tools, before any run', async () => {
    const before = cliRuns(h.fake).length;
    const required = await post('/v1/chat/completions', { ...base, tool_choice: 'required' });
    expect(required.status).toBe(400);
    expect(required.json).toMatchObject({ error: { param: 'tool_choice', type: 'invalid_request_error' } });
    const named = await post('/v1/chat/completions', {
      ...base,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect(named.status).toBe(400);
    expect(JSON.stringify(named.json)).toContain('get_time');
    expect(cliRuns(h.fake).length).toBe(before);
  });
});
