/**
 * Client tools through the proxy with the unmodified `openai` client, the real CLI and the fake
 * Messages API.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../fixtures/fake-api.mjs';
import {
  CITY_SCHEMA,
  bodyOf,
  offeredTools,
  resultText,
  startToolLoopProxy,
  toolResultsOf,
} from './real-cli-helpers.js';

let api: FakeApi;
let close: () => Promise<void>;
let client: OpenAI;

const model = 'claude-sonnet-5-5';
const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Current weather for a city', parameters: CITY_SCHEMA },
  },
];

function getWeather(args: string): string {
  const { city } = JSON.parse(args) as { city: string };
  return `${city}: cloudy`;
}

beforeAll(async () => {
  let url: string;
  ({ api, url, close } = await startToolLoopProxy());
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await close();
});
beforeEach(() => api.requests.splice(0));

describe('OpenAI SDK agent loop through the proxy', () => {
  it('runs request → tool_calls → tool messages → final answer', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    let completion: OpenAI.ChatCompletion;
    let rounds = 0;
    for (;;) {
      completion = await client.chat.completions.create({ model, tools, messages });
      rounds += 1;
      const choice = completion.choices[0];
      if (choice?.finish_reason !== 'tool_calls') break;
      messages.push(choice.message);
      for (const call of choice.message.tool_calls ?? []) {
        if (call.type !== 'function') continue;
        messages.push({ role: 'tool', tool_call_id: call.id, content: getWeather(call.function.arguments) });
      }
    }
    expect(rounds).toBe(2);
    expect(completion.choices[0]?.message.content).toBe('Final: Paris: cloudy');
    const [first, second] = api.messageRequests();
    expect(offeredTools(first)).toEqual(['get_weather']);
    expect(bodyOf(first).tools?.find((t) => t.name === 'get_weather')?.input_schema).toEqual(CITY_SCHEMA);
    expect(resultText(toolResultsOf(second)[0])).toBe('Paris: cloudy');
  });

  it('returns message.tool_calls with JSON-string arguments and finish_reason tool_calls', async () => {
    const completion = await client.chat.completions.create({
      model,
      tools,
      messages: [{ role: 'user', content: 'Weather, in parallel, for two cities?' }],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const calls = choice?.message.tool_calls ?? [];
    expect(
      calls.map((c) => (c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : [])),
    ).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Rome' }],
    ]);
    expect(choice?.message.content).toBe('Checking both.');
    // Answer both, so the run does not wait for its deadline.
    const followUp = await client.chat.completions.create({
      model,
      tools,
      messages: [
        { role: 'user', content: 'Weather, in parallel, for two cities?' },
        choice!.message,
        ...calls.map((c) => ({
          role: 'tool' as const,
          tool_call_id: c.id,
          content: c.type === 'function' ? getWeather(c.function.arguments) : '',
        })),
      ],
    });
    expect(followUp.choices[0]?.message.content).toBe('Final: Paris: cloudy | Rome: cloudy');
  });

  it('streams tool call deltas by index, then the continuation', async () => {
    const stream = await client.chat.completions.create({
      model,
      tools,
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const calls: { id: string; name: string; arguments: string }[] = [];
    let finish: string | null = null;
    let text = '';
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      text += choice.delta.content ?? '';
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
        call.id ||= delta.id ?? '';
        call.name ||= delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
      }
      finish = choice.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(text).toBe('Let me check.');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'get_weather', id: expect.stringMatching(/^toolu_/) });
    expect(JSON.parse(calls[0]?.arguments ?? '')).toEqual({ city: 'Paris' });

    const next = await client.chat.completions.create({
      model,
      tools,
      stream: true,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: text,
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        },
        { role: 'tool', tool_call_id: calls[0]?.id ?? '', content: 'foggy' },
      ],
    });
    let answer = '';
    for await (const chunk of next) answer += chunk.choices[0]?.delta.content ?? '';
    expect(answer).toBe('Final: foggy');
  });

  it("makes no tool call with tool_choice 'none'", async () => {
    const completion = await client.chat.completions.create({
      model,
      tools,
      tool_choice: 'none',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(offeredTools(api.messageRequests()[0])).toEqual([]);
  });
});
