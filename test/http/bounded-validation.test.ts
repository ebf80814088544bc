/**
 * Bounded request validation: deep nesting is refused before parsing, echoed values are capped, and
 * nothing a client sends can overflow the stack or blow up an error body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const nested = (depth: number, leaf = '"x"'): string => '['.repeat(depth) + leaf + ']'.repeat(depth);
const userTurn = '{"role":"user","content":"hi"}';

async function post(path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${harness?.url ?? ''}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

describe('bounded validation', () => {
  it('refuses a deeply nested role with 400 naming the depth limit on every JSON route', async () => {
    harness = await startHarness();
    const anthropic = `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":${nested(6000)},"content":"hi"}]}`;
    for (const path of ['/v1/messages', '/v1/messages/count_tokens', '/v1/chat/completions']) {
      const res = await post(path, anthropic);
      expect(res.status, path).toBe(400);
      expect(res.text, path).toMatch(/nest/i);
      expect(res.text, path).toContain('64');
    }
  });

  it('refuses a client tool schema nested 6000 levels deep (12 KB) with 400', async () => {
    harness = await startHarness();
    const deep = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
    const tools = `[{"name":"t","input_schema":{"type":"object","properties":${deep}}}]`;
    const anthropic = `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[${userTurn}],"tools":${tools}}`;
    const openaiTools = `[{"type":"function","function":{"name":"t","parameters":{"type":"object","properties":${deep}}}}]`;
    const openai = `{"model":"gpt-4o","messages":[${userTurn}],"tools":${openaiTools}}`;
    expect((await post('/v1/messages', anthropic)).status).toBe(400);
    expect((await post('/v1/messages/count_tokens', anthropic)).status).toBe(400);
    expect((await post('/v1/chat/completions', openai)).status).toBe(400);
    // The server is still up.
    expect((await fetch(`${harness.url}/v1/models`)).status).toBe(200);
  });

  it('accepts ordinary nesting (a tool schema 30 levels deep)', async () => {
    harness = await startHarness();
    const deep = '{"type":"object","properties":{"a":'.repeat(15) + '{"type":"string"}' + '}}'.repeat(15);
    const body = `{"model":"claude-sonnet-4-5","messages":[${userTurn}],"tools":[{"name":"t","input_schema":${deep}}]}`;
    const res = await post('/v1/messages/count_tokens', body);
    expect(res.status, res.text).toBe(200);
  });

  it('caps values echoed in error messages (both APIs)', async () => {
    harness = await startHarness();
    const huge = 'r'.repeat(1_000_000);
    const anthropic = await post(
      '/v1/messages',
      `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"${huge}","content":"hi"}]}`,
    );
    expect(anthropic.status).toBe(400);
    expect(anthropic.text.length).toBeLessThan(2_000);
    expect(anthropic.text).toContain('1000000 chars');
    const openai = await post(
      '/v1/chat/completions',
      `{"model":"gpt-4o","messages":[{"role":"${huge}","content":"hi"}]}`,
    );
    expect(openai.status).toBe(400);
    expect(openai.text.length).toBeLessThan(2_000);
  });
});

describe('validators bound their recursion without the depth pre-scan', () => {
  it('formats a 6000-deep role as a short 400, not a stack overflow', async () => {
    const { parseMessagesRequest } = await import('../../src/compat/anthropic/request-schema.js');
    const role: unknown = JSON.parse(nested(6000));
    let caught: unknown;
    try {
      parseMessagesRequest({ model: 'm', max_tokens: 1, messages: [{ role, content: 'hi' }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ status: 400 });
    expect((caught as Error).message).toMatch(/^messages\.0: Input tag \[\[\[.*… found using 'role'/);
    expect((caught as Error).message.length).toBeLessThan(300);
  });
});

describe('findExcessNesting', () => {
  it('counts only brackets outside strings, escaped quotes included', async () => {
    const { findExcessNesting } = await import('../../src/http/json-depth.js');
    expect(findExcessNesting('[[["[[[[[[[[[["]]]', 3)).toBe(-1);
    expect(findExcessNesting('[[["\\"[[[[[[["]]]', 3)).toBe(-1);
    // The string ends at the quote after an escaped backslash: the brackets after it count.
    expect(findExcessNesting('[["a\\\\"],[[[1]]]]', 3)).toBe(11);
    expect(findExcessNesting('{"a":{"b":{"c":{}}}}', 3)).toBe(15);
    expect(findExcessNesting('{"a":{"b":{"c":1}}}', 3)).toBe(-1);
    expect(findExcessNesting('"unterminated [[[[', 1)).toBe(-1);
  });
});
