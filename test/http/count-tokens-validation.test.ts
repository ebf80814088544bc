/**
 * `POST /v1/messages/count_tokens` refuses the same `tools` / `tool_choice` that `/v1/messages` does.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness;
let client: Anthropic;
beforeAll(async () => {
  harness = await startHarness();
  client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => harness.close());

const base = { model: 'claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'hi' }] };
const schema = { type: 'object' as const, properties: {} };

describe('count_tokens validates tools like messages', () => {
  const cases: [string, Partial<Anthropic.MessageCountTokensParams>, RegExp][] = [
    ['a bad tool name', { tools: [{ name: 'has space', input_schema: schema }] }, /tools\.0\.name/],
    [
      'duplicate names',
      {
        tools: [
          { name: 'a', input_schema: schema },
          { name: 'a', input_schema: schema },
        ],
      },
      /unique/,
    ],
    ['tool_choice without tools', { tool_choice: { type: 'any' } }, /tool_choice/],
    [
      'tool_choice naming no tool',
      { tools: [{ name: 'a', input_schema: schema }], tool_choice: { type: 'tool', name: 'b' } },
      /tool_choice\.name/,
    ],
  ];
  for (const [name, extra, message] of cases) {
    it(`refuses ${name} with 400, as /v1/messages does`, async () => {
      const counted = await client.messages.countTokens({ ...base, ...extra }).catch((e: unknown) => e);
      const created = await client.messages
        .create({ ...base, max_tokens: 10, ...extra } as Anthropic.MessageCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(counted).toBeInstanceOf(Anthropic.BadRequestError);
      expect(created).toBeInstanceOf(Anthropic.BadRequestError);
      expect((counted as Error).message).toMatch(message);
      const body = (e: unknown) => (e as { error?: { error?: unknown } }).error?.error;
      expect(body(counted)).toEqual(body(created));
    });
  }

  it('still counts a request with valid tools', async () => {
    const counted = await client.messages.countTokens({
      ...base,
      tools: [{ name: 'get_weather', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});
