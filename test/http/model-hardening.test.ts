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
