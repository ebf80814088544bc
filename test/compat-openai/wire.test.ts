/**
 * Wire-level check: the unmodified `openai` SDK against the real proxy (the fake CLI behind it), so
 * what is checked is what the real route sends: completions, chunks, and errors in OpenAI's shape
 * (before this, a hand-written server passed while the real route dropped `param` and `code`).
 * The full error matrix is test/http/errors-openai.test.ts.
 */
import OpenAI, { APIError, AuthenticationError, BadRequestError, InternalServerError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { initializeRequest } from '../integration/initialize-request.js';
import { cliRuns, startHarness, type Harness } from '../http/server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function client(h: Harness): OpenAI {
  return new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
}

describe('openai SDK against the real route', () => {
  it('parses a non-streaming completion', async () => {
    harness = await startHarness({
      default: { kind: 'reply', text: 'Hello from Claude', usage: { input_tokens: 12, output_tokens: 4 } },
      resolveModelAliases: true,
    });
    const completion = await client(harness).chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be nice.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(initializeRequest(cliRuns(harness.fake)[0])?.['systemPrompt']).toBe('Be nice.');
    // gpt-4o runs `sonnet` (the default model map); the completion names the model that ran.
    expect(cliRuns(harness.fake)[0]?.argv).toEqual(expect.arrayContaining(['--model', 'sonnet']));
    expect(completion.model).toBe('claude-sonnet-5-5');
    expect(completion.choices[0]?.message.content).toBe('Hello from Claude');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 });
  });

  it('streams chunks that reassemble, with usage last', async () => {
    harness = await startHarness({
      default: {
        kind: 'reply',
        chunks: ['Hel', 'lo', ' there'],
        usage: { input_tokens: 9, output_tokens: 3 },
      },
    });
    const stream = await client(harness).chat.completions.create({
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
    harness = await startHarness({
      default: { kind: 'crash', afterLines: 6, text: 'partial answer', exitCode: 3, stderr: 'boom' },
    });
    const stream = await client(harness).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const drain = async () => {
      for await (const chunk of stream) void chunk;
    };
    await expect(drain()).rejects.toSatisfy(
      (error) =>
        error instanceof APIError &&
        error.status === undefined &&
        (error.error as { type?: unknown }).type === 'server_error',
    );
  });

  it.each([
    [529, InternalServerError, 503],
    [401, AuthenticationError, 401],
  ])('maps an API %i to the SDK error class', async (upstream, errorClass, status) => {
    harness = await startHarness({ default: { kind: 'api_error', status: upstream } });
    const attempt = client(harness).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await expect(attempt).rejects.toBeInstanceOf(errorClass);
    await expect(attempt).rejects.toMatchObject({ status, param: null });
  });

  it('reports invalid requests as BadRequestError naming the param', async () => {
    harness = await startHarness();
    const attempt = client(harness).chat.completions.create({
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
