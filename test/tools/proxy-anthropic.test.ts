/**
 * Client tools through the proxy with the unmodified `@anthropic-ai/sdk`, the real CLI and the fake
 * Messages API (which calls `get_weather` while it is offered and no results came back yet).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../fixtures/fake-api.mjs';
import {
  CITY_SCHEMA,
  offeredTools,
  resultText,
  startToolLoopProxy,
  toolResultsOf,
} from './real-cli-helpers.js';

let api: FakeApi;
let close: () => Promise<void>;
let client: Anthropic;

const model = 'claude-sonnet-5-5';
const tools: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Current weather for a city', input_schema: CITY_SCHEMA },
];

/** The caller's side of the tool: runs here, never on the server. */
function getWeather(input: unknown): string {
  const city = (input as { city?: string }).city ?? '?';
  return `${city}: sunny`;
}

beforeAll(async () => {
  let url: string;
  ({ api, url, close } = await startToolLoopProxy());
  client = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await close();
});
beforeEach(() => api.requests.splice(0));

describe('Anthropic SDK agent loop through the proxy', () => {
  it('runs request → tool call → tool result → final answer', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    let turns = 0;
    let message: Anthropic.Message;
    for (;;) {
      message = await client.messages.create({ model, max_tokens: 500, tools, messages });
      turns += 1;
      messages.push({ role: 'assistant', content: message.content });
      if (message.stop_reason !== 'tool_use') break;
      const results: Anthropic.ToolResultBlockParam[] = message.content.flatMap((block) =>
        block.type === 'tool_use'
          ? [{ type: 'tool_result' as const, tool_use_id: block.id, content: getWeather(block.input) }]
          : [],
      );
      messages.push({ role: 'user', content: results });
    }
    expect(turns).toBe(2);
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Final: Paris: sunny' })]);
    const [first, second] = api.messageRequests();
    expect(offeredTools(first)).toEqual(['get_weather']);
    expect(resultText(toolResultsOf(second)[0])).toBe('Paris: sunny');
  });

  it('streams the tool_use block with input_json_delta fragments, then the continuation', async () => {
    const events: Anthropic.RawMessageStreamEvent[] = [];
    const stream = client.messages.stream({
      model,
      max_tokens: 500,
      tools,
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    stream.on('streamEvent', (event) => events.push(event));
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const start = events.find(
      (e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use',
    ) as Anthropic.RawContentBlockStartEvent | undefined;
    expect(start?.content_block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
    const fragments = events.flatMap((e) =>
      e.type === 'content_block_delta' && e.delta.type === 'input_json_delta' ? [e.delta.partial_json] : [],
    );
    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(''))).toEqual({ city: 'Paris' });
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(call?.input).toEqual({ city: 'Paris' });

    const next = client.messages.stream({
      model,
      max_tokens: 500,
      tools,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: call?.id ?? '', content: [{ type: 'text', text: 'rainy' }] },
          ],
        },
      ],
    });
    expect(await next.finalText()).toBe('Final: rainy');
    const { response } = await next.withResponse();
    expect(response.headers.get('x-claude-code-context')).toBe('continued');
  });

  it('handles parallel calls in one turn', async () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'Weather, in parallel, for Paris and Rome?' },
    ];
    const first = await client.messages.create({ model, max_tokens: 500, tools, messages });
    const calls = first.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(calls.map((c) => c.input)).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    messages.push({ role: 'assistant', content: first.content });
    messages.push({
      role: 'user',
      content: calls.map((c) => ({
        type: 'tool_result' as const,
        tool_use_id: c.id,
        content: getWeather(c.input),
      })),
    });
    const second = await client.messages.create({ model, max_tokens: 500, tools, messages });
    expect(second.content[0]).toMatchObject({ text: 'Final: Paris: sunny | Rome: sunny' });
    const results = toolResultsOf(api.messageRequests().at(-1));
    expect(results.map((r) => r['tool_use_id'])).toEqual(calls.map((c) => c.id));
  });

  it('passes is_error to the model', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.messages.create({ model, max_tokens: 500, tools, messages });
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    messages.push({ role: 'assistant', content: first.content });
    messages.push({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: call?.id ?? '', content: 'service unavailable', is_error: true },
      ],
    });
    const second = await client.messages.create({ model, max_tokens: 500, tools, messages });
    expect(second.content[0]).toMatchObject({ text: 'Final: error:service unavailable' });
    expect(toolResultsOf(api.messageRequests().at(-1))[0]).toMatchObject({ is_error: true });
  });

  it('makes no tool call with tool_choice none', async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 500,
      tools,
      tool_choice: { type: 'none' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.every((b) => b.type === 'text')).toBe(true);
    expect(offeredTools(api.messageRequests()[0])).toEqual([]);
  });

  it('answers mismatched tool results with 400', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather, in parallel, please' }];
    const first = await client.messages.create({ model, max_tokens: 500, tools, messages });
    const calls = first.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    const partial = client.messages.create({
      model,
      max_tokens: 500,
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: calls[0]?.id ?? '', content: 'x' }] },
      ],
    });
    await expect(partial).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('without `tool_result`'),
    });
  });
});
