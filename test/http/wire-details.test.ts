/**
 * Wire details as the real API writes them (issue 13, item 6), with official clients against the
 * proxy over the fake CLI: no `citations: null`, the upstream input tokens in `message_start`, the
 * model that ran in every response, and the model map (`gpt-4o` → `sonnet`; unknown names → the
 * default model with a warning).
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk, UsageMetadata } from '@langchain/core/messages';
import Anthropic from '@anthropic-ai/sdk';
import { generateText } from 'ai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { argValue, cliRuns, startHarness, type FakeClaudeScenario, type Harness } from '../support/index.js';
import type { ServerOptionsInput } from '../../src/http/server-options.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A proxy whose fake CLI names models as the real one does (`sonnet` → `claude-sonnet-5-5`). */
async function start(scenario: FakeClaudeScenario = {}, options: ServerOptionsInput = {}): Promise<Harness> {
  harness = await startHarness({ resolveModelAliases: true, ...scenario }, options);
  return harness;
}

function post(h: Harness, path: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
}

/** The `data:` objects of an SSE body. */
function sseData(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);
}

/** `--model` of the n-th CLI run, or undefined when none was passed. */
function modelArg(h: Harness, n = 0): string | undefined {
  return argValue(cliRuns(h.fake)[n], '--model');
}

const reply = { kind: 'reply', text: 'Hi there', usage: { input_tokens: 42, output_tokens: 3 } } as const;
const messages = [{ role: 'user', content: 'hello' }];

describe('Messages API wire details', () => {
  it('writes text blocks without `citations` and names the model that ran, JSON and SSE', async () => {
    const h = await start({ default: reply });
    const json = await post(h, '/v1/messages', { model: 'sonnet', max_tokens: 50, messages });
    const message = (await json.json()) as Record<string, unknown>;
    expect(message['content']).toStrictEqual([{ type: 'text', text: 'Hi there' }]);
    expect(message['model']).toBe('claude-sonnet-5-5');

    const sse = await post(h, '/v1/messages', { model: 'sonnet', max_tokens: 50, messages, stream: true });
    const events = sseData(await sse.text());
    const messageStart = events.find((e) => e['type'] === 'message_start') as {
      message: { model: string; usage: Record<string, number> };
    };
    expect(messageStart.message.model).toBe('claude-sonnet-5-5');
    // The upstream API's own message_start usage, not zeros.
    expect(messageStart.message.usage).toMatchObject({ input_tokens: 42, cache_read_input_tokens: 0 });
    const block = events.find((e) => e['type'] === 'content_block_start');
    expect(block?.['content_block']).toStrictEqual({ type: 'text', text: '' });
  });

  it('@anthropic-ai/sdk streams report the input tokens from the start', async () => {
    const h = await start({ default: { kind: 'reply', chunks: ['a', 'b'], usage: { input_tokens: 77 } } });
    const client = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });
    const events = [];
    const live = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const event of live) events.push(event);
    const first = events[0];
    expect(first?.type).toBe('message_start');
    if (first?.type === 'message_start') {
      expect(first.message.usage.input_tokens).toBe(77);
      expect(first.message.model).toBe('claude-haiku-4-5');
    }
  });

  it('@ai-sdk/anthropic 3.x accepts non-streamed answers (it rejects `citations: null`)', async () => {
    const h = await start({ default: reply });
    const anthropic = createAnthropic({ baseURL: `${h.url}/v1`, apiKey: 'unused' });
    const result = await generateText({
      model: anthropic('claude-sonnet-5-5'),
      prompt: 'hello',
      maxRetries: 0,
    });
    expect(result.text).toBe('Hi there');
    expect(result.response.modelId).toBe('claude-sonnet-5-5');
    expect(result.usage.inputTokens).toBe(42);
  });

  it('LangChain ChatAnthropic counts input tokens when streaming', async () => {
    const h = await start({
      default: { kind: 'reply', chunks: ['one ', 'two'], usage: { input_tokens: 31 } },
    });
    const model = new ChatAnthropic({
      model: 'claude-sonnet-5-5',
      apiKey: 'unused',
      anthropicApiUrl: h.url,
      maxRetries: 0,
      streaming: true,
    });
    let input = 0;
    let text = '';
    const chunks: AsyncIterable<AIMessageChunk> = await model.stream('hello');
    for await (const chunk of chunks) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
      // (typed `never` through the chunk's generic; the field is there at run time)
      const usage = (chunk as unknown as { usage_metadata?: UsageMetadata }).usage_metadata;
      input += usage?.input_tokens ?? 0;
    }
    expect(text).toBe('one two');
    expect(input).toBe(31);
  });
});

describe('model map', () => {
  it('runs gpt-4o as sonnet without a warning; chat completions name the model that ran, JSON and chunks', async () => {
    const h = await start({ default: reply });
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(modelArg(h)).toBe('sonnet');
    expect(data.model).toBe('claude-sonnet-5-5');
    expect(response.headers.get('x-claude-code-warnings')).toBeNull();

    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect(modelArg(h, 1)).toBe('haiku');
    expect([...models]).toEqual(['claude-haiku-4-5']);
  });

  it('Responses name the model that ran, in response.created and the final response', async () => {
    const h = await start({ default: reply });
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const response = await client.responses.create({ model: 'o3', input: 'hi' });
    expect(modelArg(h)).toBe('opus');
    expect(response.model).toBe('claude-opus-5-5');
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true });
    const models: string[] = [];
    for await (const event of stream) {
      if (event.type === 'response.created' || event.type === 'response.completed') {
        models.push(event.response.model);
      }
    }
    expect(models).toEqual(['claude-sonnet-5-5', 'claude-sonnet-5-5']);
  });

  it('merges a configured map over the defaults', async () => {
    const h = await start({ default: reply }, { modelMap: { 'gpt-4o': 'haiku', 'house-model': 'opus' } });
    const first = await post(h, '/v1/messages', { model: 'gpt-4o', max_tokens: 50, messages });
    expect(((await first.json()) as { model: string }).model).toBe('claude-haiku-4-5');
    expect(first.headers.get('x-claude-code-warnings')).toBeNull();
    const second = await post(h, '/v1/chat/completions', { model: 'House-Model', messages });
    expect(((await second.json()) as { model: string }).model).toBe('claude-opus-5-5');
    const third = await post(h, '/v1/chat/completions', { model: 'gpt-4o-mini', messages });
    expect(((await third.json()) as { model: string }).model).toBe('claude-haiku-4-5');
    expect([modelArg(h, 0), modelArg(h, 1), modelArg(h, 2)]).toEqual(['haiku', 'opus', 'haiku']);
  });

  it('runs an unknown name as the default model, with a warning naming both', async () => {
    const h = await start({ default: reply });
    const unknown = await post(h, '/v1/chat/completions', { model: 'gpt-4o-2024-08-06', messages });
    // No defaultModel: no --model, and the CLI's default (the fake's: claude-opus-5-5) ran.
    expect(modelArg(h)).toBeUndefined();
    expect(((await unknown.json()) as { model: string }).model).toBe('claude-opus-5-5');
    expect(unknown.headers.get('x-claude-code-warnings')).toBe(
      "model 'gpt-4o-2024-08-06' is not a Claude model, alias or modelMap entry; ran the CLI's default model instead",
    );
    await harness?.close();

    const configured = await start({ default: reply }, { defaultModel: 'haiku' });
    const sse = await post(configured, '/v1/messages', {
      model: 'mistral-large',
      max_tokens: 50,
      messages,
      stream: true,
    });
    expect(sse.headers.get('x-claude-code-warnings')).toBe(
      "model 'mistral-large' is not a Claude model, alias or modelMap entry; ran the default model 'haiku' instead",
    );
    const start_ = sseData(await sse.text()).find((e) => e['type'] === 'message_start') as {
      message: { model: string };
    };
    expect(modelArg(configured)).toBe('haiku');
    expect(start_.message.model).toBe('claude-haiku-4-5');
  });
});
