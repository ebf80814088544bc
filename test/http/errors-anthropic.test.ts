/**
 * Every kind of failure, through the real proxy (fake CLI behind it), as the unmodified
 * `@anthropic-ai/sdk` sees it: the SDK error class, the status, Anthropic's error shape
 * (`{ type: 'error', error: { type, message }, request_id }`) and `retry-after` where the SDK should
 * wait before retrying.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../integration/helpers.js';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const params = {
  model: 'claude-sonnet-5-5',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'hello proxy' }],
};

type ApiError = InstanceType<typeof Anthropic.APIError>;

function client(h: Harness, apiKey = 'unused'): Anthropic {
  return new Anthropic({ baseURL: h.url, apiKey, maxRetries: 0 });
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Anthropic.APIError);
  return error as ApiError;
}

/** Anthropic's error shape, with the request id in the body as in the header. */
function expectAnthropicShape(error: ApiError, type: string) {
  expect(error.type).toBe(type);
  expect(error.error).toMatchObject({ type: 'error', error: { type, message: expect.any(String) } });
  expect(error.requestID).toMatch(/^req_/);
  expect((error.error as { request_id?: string }).request_id).toBe(error.requestID);
}

describe('Anthropic errors through the real server', () => {
  it('reports a validation error as BadRequestError with invalid_request_error', async () => {
    harness = await startHarness();
    const error = await failure(client(harness).messages.create({ ...params, messages: [] }));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.status).toBe(400);
    expectAnthropicShape(error, 'invalid_request_error');
    expect(cliRuns(harness.fake)).toHaveLength(0);
  });

  it('answers an unknown path with 404 and a wrong method with 405, in Anthropic shape', async () => {
    harness = await startHarness();
    const anthropic = client(harness);
    const unknown = await failure(anthropic.get('/v1/no-such-thing'));
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expectAnthropicShape(unknown, 'not_found_error');
    const wrongMethod = await failure(anthropic.get('/v1/messages'));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers?.get('allow')).toBe('POST');
    expectAnthropicShape(wrongMethod, 'invalid_request_error');
    const missingModel = await failure(anthropic.models.retrieve('no-such-model'));
    expect(missingModel).toBeInstanceOf(Anthropic.NotFoundError);
    expectAnthropicShape(missingModel, 'not_found_error');
  });

  it('answers 529 overloaded_error with retry-after when all slots and the queue are full', async () => {
    harness = await startHarness({ default: { kind: 'hang' } }, { maxConcurrent: 1, maxQueue: 0 });
    const anthropic = client(harness);
    const hanging = anthropic.messages.create(params).catch(() => undefined);
    const fake = harness.fake;
    await eventually(() => cliRuns(fake).length === 1);
    const error = await failure(anthropic.messages.create(params));
    expect(error.status).toBe(529);
    expect(error.headers?.get('retry-after')).toBe('2');
    expectAnthropicShape(error, 'overloaded_error');
    await harness.close();
    harness = undefined;
    await hanging;
  });

  it('answers 429 rate_limit_error with retry-after beyond the rate limit', async () => {
    harness = await startHarness({}, { requestsPerMinute: 1 });
    const anthropic = client(harness);
    await anthropic.models.list();
    const error = await failure(anthropic.models.list());
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    expectAnthropicShape(error, 'rate_limit_error');
  });

  it('answers a wrong key with 401 authentication_error', async () => {
    harness = await startHarness({}, { apiKeys: ['sk-right-key-1234'] });
    const error = await failure(client(harness, 'sk-wrong-key-0000').messages.create(params));
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expectAnthropicShape(error, 'authentication_error');
  });

  it('maps upstream and run failures', async () => {
    harness = await startHarness({ default: { kind: 'api_error', status: 529 } });
    const anthropic = client(harness);
    const overloaded = await failure(anthropic.messages.create(params));
    expect(overloaded.status).toBe(529);
    expect(Number(overloaded.headers?.get('retry-after'))).toBeGreaterThan(0);
    expectAnthropicShape(overloaded, 'overloaded_error');

    await harness.fake.setScenario({ default: { kind: 'api_error', status: 429 } });
    const limited = await failure(anthropic.messages.create(params));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
    expectAnthropicShape(limited, 'rate_limit_error');

    await harness.fake.setScenario({ default: { kind: 'api_error', status: 401 } });
    const login = await failure(anthropic.messages.create(params));
    expect(login).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(login.message).toMatch(/claude \/login|ANTHROPIC_API_KEY/);
    expectAnthropicShape(login, 'authentication_error');

    await harness.fake.setScenario({ default: { kind: 'max_budget' } });
    const budget = await failure(anthropic.messages.create(params));
    expect(budget.status).toBe(402);
    expectAnthropicShape(budget, 'billing_error');

    await harness.fake.setScenario({ default: { kind: 'crash', exitCode: 3, stderr: 'boom' } });
    const crash = await failure(anthropic.messages.create(params));
    expect(crash).toBeInstanceOf(Anthropic.InternalServerError);
    expect(crash.status).toBe(500);
    expect(crash.headers?.get('retry-after')).toBeNull();
    expectAnthropicShape(crash, 'api_error');
  });

  it('surfaces a failure mid-stream as the SDK error from the error event', async () => {
    harness = await startHarness({
      default: { kind: 'crash', afterLines: 6, text: 'partial answer', exitCode: 3, stderr: 'boom' },
    });
    const stream = await client(harness).messages.create({ ...params, stream: true });
    const types: string[] = [];
    const drain = async () => {
      for await (const event of stream) types.push(event.type);
    };
    const error = await failure(drain());
    expect(error.status).toBeUndefined();
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(types[0]).toBe('message_start');
    expect(types).not.toContain('message_stop');
  });
});
