/**
 * `POST /v1/responses` with the unmodified official `openai` client (6.x), against the real server
 * and the fake CLI: JSON and streamed answers, instructions, `previous_response_id` resuming the CLI
 * session with only the new turn, `store: false`, the function tool round trip, image input and
 * 400s naming the field.
 */
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import * as z from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import {
  argValue,
  cliRuns,
  initializeRequest,
  startHarnessWithHome,
  userContent,
  userText,
  userTurns,
  type FakeClaudeScenario,
  type HomeHarness,
} from '../support/index.js';

let harness: HomeHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(scenario: FakeClaudeScenario = {}): Promise<OpenAI> {
  harness = await startHarnessWithHome(scenario);
  return new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

const MODEL = 'claude-sonnet-5-5';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

describe('POST /v1/responses with the openai client', () => {
  it('answers with a Response: output message, output_text, usage; instructions reach the CLI', async () => {
    const client = await start({
      default: { kind: 'reply', text: 'pong', usage: { input_tokens: 9, output_tokens: 2 } },
    });
    const { data: response, response: raw } = await client.responses
      .create({ model: MODEL, instructions: 'You are terse.', input: 'ping' })
      .withResponse();
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: MODEL,
      instructions: 'You are terse.',
      output: [
        {
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'pong', annotations: [] }],
        },
      ],
      usage: { input_tokens: 9, output_tokens: 2, total_tokens: 11 },
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text).toBe('pong');
    expect(raw.headers.get('x-claude-code-context')).toBe('new');
    const run = cliRuns(harness!.fake)[0];
    expect(initializeRequest(run)?.['systemPrompt']).toBe('You are terse.');
    expect(userText(run)).toBe('ping');
  });

  it('streams the official event sequence with sequence numbers', async () => {
    const client = await start({ default: { kind: 'reply', chunks: ['one ', 'two'] } });
    const stream = await client.responses.create({ model: MODEL, input: 'count', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 5)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    expect(deltas.join('')).toBe('one two');
    const completed = events.at(-1);
    expect(completed?.type === 'response.completed' && completed.response.output_text).toBe('one two');
    expect(
      completed?.type === 'response.completed' && completed.response.usage?.output_tokens,
    ).toBeGreaterThan(0);
  });

  it('works with the responses.stream() helper', async () => {
    const client = await start({ default: { kind: 'reply', chunks: ['Hel', 'lo'] } });
    const deltas: string[] = [];
    const stream = client.responses.stream({ model: MODEL, input: 'hi' });
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(final.output_text).toBe('Hello');
    expect(final.status).toBe('completed');
  });

  it('continues with previous_response_id: the CLI resumes and sees only the new turn', async () => {
    const client = await start({});
    const { data: first, response: firstRaw } = await client.responses
      .create({ model: MODEL, input: 'first question' })
      .withResponse();
    const sessionId = firstRaw.headers.get('x-claude-session-id');
    const { data: second, response: raw } = await client.responses
      .create({ model: MODEL, previous_response_id: first.id, input: 'follow-up' })
      .withResponse();
    expect(second.previous_response_id).toBe(first.id);
    expect(raw.headers.get('x-claude-code-context')).toBe('resumed');
    const runs = cliRuns(harness!.fake);
    expect(argValue(runs[1], '--resume')).toBe(sessionId);
    expect(userTurns(runs[1])).toHaveLength(1);
    expect(userText(runs[1])).toBe('follow-up');

    // Streamed, from the second response.
    const stream = await client.responses.create({
      model: MODEL,
      previous_response_id: second.id,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'third' }] }],
      stream: true,
    });
    for await (const event of stream) void event;
    const runs3 = cliRuns(harness!.fake);
    expect(argValue(runs3[2], '--resume')).not.toBeUndefined();
    expect(userText(runs3[2])).toBe('third');
  });

  it('store: false is not remembered, and an unknown previous_response_id is refused naming the field', async () => {
    const client = await start({});
    const unstored = await client.responses.create({ model: MODEL, input: 'x', store: false });
    const error = await client.responses
      .create({ model: MODEL, previous_response_id: unstored.id, input: 'y' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).param).toBe('previous_response_id');
    expect((error as Error).message).toContain(unstored.id);
    expect(cliRuns(harness!.fake)).toHaveLength(1);
  });

  it('runs a function tool round trip: function_call item, then function_call_output', async () => {
    const client = await start({
      default: { kind: 'reply', clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
    });
    const first = await client.responses.create({
      model: MODEL,
      input: 'weather in Oslo?',
      tools: [weatherTool],
    });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'Oslo' });
    const callId = call?.type === 'function_call' ? call.call_id : '';

    const second = await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      tools: [weatherTool],
      input: [{ type: 'function_call_output', call_id: callId, output: 'sunny, 21°C' }],
    });
    expect(second.output.some((item) => item.type === 'function_call')).toBe(false);
    expect(second.output_text).toContain('sunny, 21°C');
    // The suspended run went on: no second CLI process.
    expect(cliRuns(harness!.fake)).toHaveLength(1);
  });

  it('streams a function call as output_item and function_call_arguments events', async () => {
    const client = await start({
      default: { kind: 'reply', clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
    });
    const stream = await client.responses.create({
      model: MODEL,
      input: 'weather?',
      tools: [weatherTool],
      stream: true,
    });
    const events = [];
    for await (const event of stream) events.push(event);
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(done?.type === 'response.function_call_arguments.done' && JSON.parse(done.arguments)).toEqual({
      city: 'Oslo',
    });
    const completed = events.at(-1);
    expect(completed?.type).toBe('response.completed');
    expect(
      completed?.type === 'response.completed' && completed.response.output.map((item) => item.type),
    ).toContain('function_call');
  });

  it('passes an input_image to the CLI', async () => {
    const client = await start({ default: { kind: 'reply', text: 'a pixel' } });
    await client.responses.create({
      model: MODEL,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
          ],
        },
      ],
    });
    const content = userContent(cliRuns(harness!.fake)[0]);
    expect(content).toContainEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: PNG },
    });
  });

  it('refuses a bad request with 400 naming the field, without running the CLI', async () => {
    const client = await start({});
    const error = await client.responses
      .create({
        model: MODEL,
        input: [
          {
            role: 'user',
            content: [{ type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).param).toBe('input[0].content[0].image_url');
    const missing = await client.responses.create({ input: 'x' } as never).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect((missing as InstanceType<typeof OpenAI.APIError>).param).toBe('model');
    expect(cliRuns(harness!.fake)).toHaveLength(0);
  });

  it("refuses tool_choice 'required' without tools (none, or an empty list), without running the CLI", async () => {
    await start({ default: { kind: 'reply', text: 'ok' } });
    for (const tools of [undefined, []]) {
      const raw = await fetch(`${harness!.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: 'x', tool_choice: 'required', tools }),
      });
      expect(raw.status).toBe(400);
      const body = (await raw.json()) as { error: { type: string; param: string | null } };
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'tool_choice' });
    }
    expect(cliRuns(harness!.fake)).toHaveLength(0);
  });

  it('warns about parameters it ignores', async () => {
    await start({ default: { kind: 'reply', text: 'ok' } });
    const raw = await fetch(`${harness!.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: 'x', temperature: 0.2, truncation: 'auto' }),
    });
    expect(raw.status).toBe(200);
    const warnings = raw.headers.get('x-claude-code-warnings') ?? '';
    expect(warnings).toContain('temperature: not supported by the Claude Code CLI');
    expect(warnings).toContain('truncation: the CLI compacts long conversations itself; ignored');
  });

  it('text.format json_schema runs with the CLI --json-schema; responses.parse gets the document', async () => {
    const document = { name: 'Ada', age: 36 };
    const client = await start({
      default: { kind: 'reply', text: 'Let me fill that in.', structured: document },
    });
    const Person = z.object({ name: z.string(), age: z.number() });
    const parsed = await client.responses.parse({
      model: MODEL,
      input: 'Who?',
      text: { format: zodTextFormat(Person, 'person') },
      reasoning: { effort: 'high' },
    });
    expect(parsed.output_parsed).toEqual(document);
    expect(JSON.parse(parsed.output_text)).toEqual(document);
    const run = cliRuns(harness!.fake)[0];
    expect(initializeRequest(run)?.['jsonSchema']).toMatchObject({ type: 'object' });
    expect(run?.argv.join(' ')).toContain('--effort high');
  });

  it('surfaces a failure mid-stream as an error event the SDK throws, and remembers nothing', async () => {
    const client = await start({
      default: { kind: 'crash', afterLines: 6, text: 'partial answer', exitCode: 3, stderr: 'boom' },
    });
    const stream = await client.responses.create({ model: MODEL, input: 'x', stream: true });
    const types: string[] = [];
    let id = '';
    const error = await (async () => {
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.created') id = event.response.id;
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'server_error' });
    expect(types[0]).toBe('response.created');
    expect(types).not.toContain('response.completed');
    const next = await client.responses
      .create({ model: MODEL, previous_response_id: id, input: 'y' })
      .catch((e: unknown) => e);
    expect(next).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
