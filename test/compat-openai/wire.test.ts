/**
 * Wire-level check: the unmodified `openai` SDK talks to a tiny node:http server that answers with
 * this layer's translations of canned Anthropic output, the way the real route will.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import OpenAI, { APIError, AuthenticationError, BadRequestError, InternalServerError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OPENAI_SSE_DONE,
  encodeOpenAISse,
  encodeOpenAISseError,
  fromUnknownError,
  toAnthropicRequest,
  toChatCompletion,
  toChatCompletionChunks,
  toOpenAIError,
} from '../../src/compat/openai/index.js';
import { message, replay, streamEvents, usage } from './anthropic-fixtures.js';

/** What the fake Anthropic service would fail with, keyed by the requested model. */
const failures: Record<string, [number, string, string]> = {
  overloaded: [529, 'overloaded_error', 'Claude is overloaded, try again shortly'],
  locked: [401, 'authentication_error', 'Claude Code is not logged in'],
};

let server: Server;
let client: OpenAI;
let lastParams: MessageCreateParamsNonStreaming | undefined;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8'));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return sendJson(res, 404, {});
  try {
    const { params, stream, includeUsage } = toAnthropicRequest(await readJson(req));
    lastParams = params;
    const failure = failures[params.model];
    if (failure !== undefined) {
      const { status, body } = toOpenAIError(...failure);
      return sendJson(res, status, body);
    }
    if (!stream) {
      const reply = message(['Hello', ' from Claude'], {
        usage: usage({ input_tokens: 12, output_tokens: 4 }),
      });
      return sendJson(res, 200, toChatCompletion(reply, { model: params.model }));
    }
    const events = streamEvents(['Hel', 'lo', ' there'], {
      final: usage({ input_tokens: 9, output_tokens: 3 }),
    });
    const cut = params.model === 'midstream' ? events.slice(0, 3) : events;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    try {
      for await (const chunk of toChatCompletionChunks(failingAfter(cut, params.model === 'midstream'), {
        model: params.model,
        includeUsage,
      })) {
        res.write(encodeOpenAISse(chunk));
      }
    } catch (error) {
      res.write(encodeOpenAISseError(toOpenAIError(500, 'api_error', (error as Error).message).body));
    }
    res.end(OPENAI_SSE_DONE);
  } catch (error) {
    const { status, body } = fromUnknownError(error);
    sendJson(res, status, body);
  }
}

async function* failingAfter<T>(items: T[], fail: boolean): AsyncGenerator<T> {
  yield* replay(items);
  if (fail) throw new Error('the CLI exited unexpectedly');
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

describe('openai SDK against the translation layer', () => {
  it('parses a non-streaming completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be nice.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(lastParams?.system).toBe('Be nice.');
    expect(completion.model).toBe('gpt-4o');
    expect(completion.choices[0]?.message.content).toBe('Hello from Claude');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 });
  });

  it('streams chunks that reassemble, with usage last', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const ids = new Set<string>();
    let finishReason: string | null = null;
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      last = chunk;
    }
    expect(text).toBe('Hello there');
    expect(finishReason).toBe('stop');
    expect(ids.size).toBe(1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 });
  });

  it('surfaces a mid-stream error frame as an APIError', async () => {
    const stream = await client.chat.completions.create({
      model: 'midstream',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const received: string[] = [];
    const drain = async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(drain()).rejects.toSatisfy(
      (error) => error instanceof APIError && error.message.includes('the CLI exited unexpectedly'),
    );
    expect(received.join('')).toBe('Hel');
  });

  it.each([
    ['overloaded', InternalServerError, 503, 'Claude is overloaded, try again shortly'],
    ['locked', AuthenticationError, 401, 'Claude Code is not logged in'],
  ])('maps a %s failure to the SDK error class', async (model, errorClass, status, text) => {
    const attempt = client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
    await expect(attempt).rejects.toBeInstanceOf(errorClass);
    await expect(attempt).rejects.toMatchObject({ status, message: `${status} ${text}` });
  });

  it('reports invalid requests as BadRequestError naming the param', async () => {
    const attempt = client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      n: 2,
    });
    await expect(attempt).rejects.toBeInstanceOf(BadRequestError);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      param: 'n',
      type: 'invalid_request_error',
      code: 'unsupported_value',
      message: "400 Invalid value for 'n': only n=1 is supported, got 2.",
    });
  });
});
