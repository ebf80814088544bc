/**
 * Every kind of failure, through the real proxy (fake CLI behind it), as the unmodified `openai` SDK
 * sees it: the SDK error class, the status, OpenAI's error shape (`type`, `param`, `code`), and
 * `retry-after` where the SDK should wait before retrying.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../integration/helpers.js';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const request = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hi' }] };

function client(h: Harness, apiKey = 'unused'): OpenAI {
  return new OpenAI({ baseURL: `${h.url}/v1`, apiKey, maxRetries: 0 });
}

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

/** OpenAI's error shape: `param` and `code` present (null when unset), no Anthropic envelope. */
function expectOpenAIShape(error: InstanceType<typeof OpenAI.APIError>, type: string, code: string | null) {
  expect(error.error).toMatchObject({ type, code, param: expect.toBeOneOf([null, expect.any(String)]) });
  expect(error.error).not.toHaveProperty('error');
  expect(error.type).toBe(type);
  expect(error.code).toBe(code);
}

describe('OpenAI errors through the real server', () => {
  it('reports a validation error as BadRequestError naming the param and code', async () => {
    harness = await startHarness();
    const error = await failure(client(harness).chat.completions.create({ ...request, n: 2 }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      param: 'n',
      code: 'unsupported_value',
      type: 'invalid_request_error',
      message: "400 Invalid value for 'n': only n=1 is supported, got 2.",
    });
    expect(cliRuns(harness.fake)).toHaveLength(0);
  });

  it('answers an unknown path with 404 and a wrong method with 405, in OpenAI shape', async () => {
    harness = await startHarness();
    const openai = client(harness);
    const embeddings = await failure(
      openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    );
    expect(embeddings).toBeInstanceOf(OpenAI.NotFoundError);
    expectOpenAIShape(embeddings, 'invalid_request_error', null);
    expect(embeddings.message).toContain('POST /v1/embeddings');
    const unknown = await failure(openai.get('/no-such-thing'));
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expectOpenAIShape(unknown, 'invalid_request_error', null);
    const wrongMethod = await failure(openai.get('/chat/completions'));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers?.get('allow')).toBe('POST');
    expectOpenAIShape(wrongMethod, 'invalid_request_error', null);
    const missingModel = await failure(openai.models.retrieve('no-such-model'));
    expect(missingModel).toBeInstanceOf(OpenAI.NotFoundError);
    expectOpenAIShape(missingModel, 'invalid_request_error', null);
  });

  it('answers 503 with retry-after when all slots and the queue are full', async () => {
    harness = await startHarness({ default: { kind: 'hang' } }, { maxConcurrent: 1, maxQueue: 0 });
    const openai = client(harness);
    const hanging = openai.chat.completions.create(request).catch(() => undefined);
    const fake = harness.fake;
    await eventually(() => cliRuns(fake).length === 1);
    const error = await failure(openai.chat.completions.create(request));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(503);
    expect(error.headers?.get('retry-after')).toBe('2');
    expectOpenAIShape(error, 'server_error', null);
    await harness.close();
    harness = undefined;
    await hanging;
  });

  it('answers 429 with retry-after beyond the rate limit', async () => {
    harness = await startHarness({}, { requestsPerMinute: 1 });
    const openai = client(harness);
    await openai.models.list();
    const error = await failure(openai.models.list());
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    expectOpenAIShape(error, 'requests', 'rate_limit_exceeded');
  });

  it('answers a wrong or missing key with 401 invalid_api_key', async () => {
    harness = await startHarness({}, { apiKeys: ['sk-right-key-1234'] });
    const error = await failure(client(harness, 'sk-wrong-key-0000').chat.completions.create(request));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expectOpenAIShape(error, 'invalid_request_error', 'invalid_api_key');
    const completion = await client(harness, 'sk-right-key-1234').chat.completions.create(request);
    expect(completion.object).toBe('chat.completion');
  });

  it('maps upstream and run failures', async () => {
    harness = await startHarness({ default: { kind: 'api_error', status: 529 } });
    const openai = client(harness);
    const overloaded = await failure(openai.chat.completions.create(request));
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect(overloaded.status).toBe(503);
    expect(Number(overloaded.headers?.get('retry-after'))).toBeGreaterThan(0);
    expectOpenAIShape(overloaded, 'server_error', null);

    await harness.fake.setScenario({ default: { kind: 'api_error', status: 429 } });
    const limited = await failure(openai.chat.completions.create(request));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
    expectOpenAIShape(limited, 'requests', 'rate_limit_exceeded');

    await harness.fake.setScenario({ default: { kind: 'api_error', status: 401 } });
    const login = await failure(openai.chat.completions.create(request));
    expect(login).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(login.message).toMatch(/claude \/login|ANTHROPIC_API_KEY/);
    expectOpenAIShape(login, 'invalid_request_error', 'invalid_api_key');

    await harness.fake.setScenario({ default: { kind: 'max_budget' } });
    const budget = await failure(openai.chat.completions.create(request));
    expect(budget).toBeInstanceOf(OpenAI.RateLimitError);
    expect(budget.headers?.get('x-should-retry')).toBe('false');
    expectOpenAIShape(budget, 'insufficient_quota', 'insufficient_quota');

    await harness.fake.setScenario({ default: { kind: 'crash', exitCode: 3, stderr: 'boom' } });
    const crash = await failure(openai.chat.completions.create(request));
    expect(crash).toBeInstanceOf(OpenAI.InternalServerError);
    expect(crash.status).toBe(500);
    expect(crash.headers?.get('retry-after')).toBeNull();
    expectOpenAIShape(crash, 'server_error', null);
  });

  it('surfaces a failure mid-stream as the SDK error from the error frame', async () => {
    harness = await startHarness({
      default: { kind: 'crash', afterLines: 6, text: 'partial answer', exitCode: 3, stderr: 'boom' },
    });
    const stream = await client(harness).chat.completions.create({ ...request, stream: true });
    const received: string[] = [];
    const drain = async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    };
    const error = await failure(drain());
    expect(error.status).toBeUndefined();
    expect(error.error).toMatchObject({ type: 'server_error', param: null, code: null });
    expect(error.message.length).toBeGreaterThan(10);
    expect(received.length).toBeGreaterThan(0);
  });
});
