/**
 * End-to-end structured output: official clients → proxy → real Claude Code CLI → fake Messages
 * API. The schema reaches the API as the CLI's `StructuredOutput` tool, the fake answers with a call
 * of it, and the caller gets the document as the answer's text (JSON and SSE, both wire APIs).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createServer, type ProxyServer } from '../../src/http/server.js';
import { startFakeApi, type FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';

let api: FakeApi;
let cli: CliEnv;
let server: ProxyServer;
let url: string;

beforeAll(async () => {
  api = await startFakeApi();
  cli = await makeCliEnv(api.url);
  server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    wrapper: { claudeBinary: realClaudeBinary(), env: cli.env, logLevel: 'silent', cliMaxRetries: 0 },
  });
  ({ url } = await server.listen());
});
afterAll(async () => {
  await server.close();
  await api.close();
  await cli.cleanup();
});
beforeEach(() => api.reset());

const schema = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
  additionalProperties: false,
};
const document = { city: 'Lyon', population: 522_000 };

/** The tools of the last request the CLI sent to the API. */
function lastTools(): Array<{ name: string; input_schema?: unknown }> {
  const body = api.messageRequests().at(-1)?.body as { tools?: Array<{ name: string }> } | undefined;
  return body?.tools ?? [];
}

describe('structured output with the real CLI', () => {
  it('Anthropic create and stream: the text is the JSON document', async () => {
    api.setDefault({ kind: 'text', text: 'Here it is.', structured: document });
    const client = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
    const params = {
      model: 'claude-sonnet-5-5',
      max_tokens: 200,
      messages: [{ role: 'user' as const, content: 'Biggest city near the Rhône?' }],
      output_config: { format: { type: 'json_schema' as const, schema } },
    };
    const message = await client.messages.create(params);
    expect(message.content.map((b) => b.type)).toEqual(['text']);
    const text = message.content[0]?.type === 'text' ? message.content[0].text : '';
    expect(JSON.parse(text)).toEqual(document);
    expect(message.stop_reason).toBe('end_turn');
    const structuredTool = lastTools().find((t) => t.name === 'StructuredOutput');
    expect(structuredTool?.input_schema).toMatchObject({ required: ['city', 'population'] });

    const stream = client.messages.stream(params);
    let streamed = '';
    stream.on('text', (delta) => (streamed += delta));
    await stream.finalMessage();
    expect(JSON.parse(streamed)).toEqual(document);
  });

  it('OpenAI chat.completions.parse (zod) and a stream with a generated document', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    api.setDefault({ kind: 'text', structured: document });
    const completion = await client.chat.completions.parse({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Biggest city near the Rhône?' }],
      response_format: zodResponseFormat(z.object({ city: z.string(), population: z.number() }), 'city'),
    });
    expect(completion.choices[0]?.message.parsed).toEqual(document);
    expect(completion.choices[0]?.finish_reason).toBe('stop');

    // No document scripted: the fake generates one from the schema the CLI sent.
    api.setDefault({ kind: 'text' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Again' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema } },
    });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expect(JSON.parse(content)).toEqual({ city: 'fake', population: 1 });
  });
});
