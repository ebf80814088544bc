/**
 * Structured output through the proxy, backed by the fake CLI: Anthropic `output_config.format` and
 * OpenAI `response_format` become the run's `jsonSchema` (sent in `initialize`), and the answer's
 * text is the JSON document from the result's `structured_output`, JSON and SSE alike; the model's
 * own text around the StructuredOutput call never reaches the caller. Effort → `--effort`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { initializeRequest } from '../integration/initialize-request.js';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** POST a JSON body to the running harness. */
function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${harness?.url ?? ''}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const question = {
  model: 'claude-sonnet-5-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'Who?' }],
};

const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'number' } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const document = { name: 'Ada', age: 36 };
// The model talks before calling the tool: that text must not leak.
const structuredTurn = { kind: 'reply', text: 'Let me fill that in.', structured: document } as const;

describe('structured output, Anthropic Messages API', () => {
  it('answers with the JSON document as text (create), passes the schema and effort to the CLI', async () => {
    harness = await startHarness({ default: structuredTurn });
    const response = await post('/v1/messages', {
      ...question,
      output_config: { format: { type: 'json_schema', schema }, effort: 'high' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-claude-code-warnings')).toBeNull();
    const message = (await response.json()) as Anthropic.Message;
    expect(message.content).toHaveLength(1);
    const block = message.content[0];
    expect(block?.type).toBe('text');
    expect(JSON.parse(block?.type === 'text' ? block.text : '')).toEqual(document);
    expect(message.stop_reason).toBe('end_turn');
    const run = cliRuns(harness.fake)[0];
    expect(initializeRequest(run)?.['jsonSchema']).toEqual(schema);
    expect(run?.argv.join(' ')).toContain('--effort high');
  });

  it('streams the JSON document as the only text', async () => {
    harness = await startHarness({ default: structuredTurn });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Who?' }],
      output_config: { format: { type: 'json_schema', schema } },
    });
    let streamed = '';
    stream.on('text', (delta) => (streamed += delta));
    const final = await stream.finalMessage();
    expect(JSON.parse(streamed)).toEqual(document);
    expect(final.content.map((b) => b.type)).toEqual(['text']);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('works with the SDK messages.parse helper (zodOutputFormat)', async () => {
    harness = await startHarness({ default: structuredTurn });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const message = await client.messages.parse({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Who?' }],
      output_config: { format: zodOutputFormat(z.object({ name: z.string(), age: z.number() })) },
    });
    expect(message.parsed_output).toEqual(document);
  });

  it('is honoured under --strict (no longer a parameter the CLI cannot honour)', async () => {
    harness = await startHarness({ default: structuredTurn }, { strict: true });
    const client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Who?' }],
      output_config: { format: { type: 'json_schema', schema }, effort: 'low' },
    });
    const block = message.content[0];
    expect(JSON.parse(block?.type === 'text' ? block.text : '')).toEqual(document);
  });

  it('rejects a format that is not json_schema with 400 naming the field', async () => {
    harness = await startHarness({ default: structuredTurn });
    const response = await post('/v1/messages', { ...question, output_config: { format: { type: 'xml' } } });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('output_config.format');
    expect(cliRuns(harness.fake)).toHaveLength(0);
  });
});

describe('structured output, OpenAI Chat Completions', () => {
  it('chat.completions.parse with zodResponseFormat fills message.parsed', async () => {
    harness = await startHarness({ default: structuredTurn });
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const completion = await client.chat.completions.parse({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Who?' }],
      response_format: zodResponseFormat(z.object({ name: z.string(), age: z.number() }), 'person'),
      reasoning_effort: 'minimal',
    });
    const message = completion.choices[0]?.message;
    expect(message?.parsed).toEqual(document);
    expect(JSON.parse(message?.content ?? '')).toEqual(document);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const run = cliRuns(harness.fake)[0];
    expect(initializeRequest(run)?.['jsonSchema']).toMatchObject({
      type: 'object',
      required: ['name', 'age'],
    });
    expect(run?.argv.join(' ')).toContain('--effort low');
  });

  it('streams the JSON document as the content (json_schema, not strict)', async () => {
    harness = await startHarness({ default: structuredTurn });
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Who?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema } },
    });
    let content = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
    }
    expect(JSON.parse(content)).toEqual(document);
    expect(finish).toBe('stop');
  });

  it('json_object asks for any object', async () => {
    harness = await startHarness({ default: structuredTurn });
    const response = await post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Answer in JSON' }],
      response_format: { type: 'json_object' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-claude-code-warnings')).toBeNull();
    const completion = (await response.json()) as OpenAI.ChatCompletion;
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual(document);
    expect(initializeRequest(cliRuns(harness.fake)[0])?.['jsonSchema']).toEqual({ type: 'object' });
  });
});
