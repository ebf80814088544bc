import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { AnthropicEventStream } from '../../src/sdk-client/index.js';
import { AnthropicApiError } from '../../src/compat/anthropic/index.js';
import { ClaudeCodeAnthropic, ClaudeCodeMessageStream } from '../../src/sdk-client/index.js';
import {
  withFakeClaude,
  type FakeClaude,
  type FakeClaudeScenario,
} from '../fixtures/fake-claude-helpers.mjs';

let fake: FakeClaude | undefined;
afterEach(async () => {
  await fake?.cleanup();
  fake = undefined;
});

async function client(scenario: FakeClaudeScenario = {}): Promise<ClaudeCodeAnthropic> {
  fake = await withFakeClaude(scenario);
  return new ClaudeCodeAnthropic({
    claudeBinary: fake.binary,
    env: fake.env,
    logLevel: 'silent',
    killGraceMs: 300,
  });
}

// ---- Code written for @anthropic-ai/sdk: its signatures use only the SDK's own types. ----

type CreateParams = Parameters<Anthropic['messages']['create']>[0];
type CountParams = Parameters<Anthropic['messages']['countTokens']>[0];

/** The slice of `Anthropic` that typical application code depends on. */
interface MessagesApi {
  create(
    params: Anthropic.MessageCreateParamsNonStreaming,
    options?: Anthropic.RequestOptions,
  ): PromiseLike<Anthropic.Message>;
  countTokens(
    params: CountParams,
    options?: Anthropic.RequestOptions,
  ): PromiseLike<Anthropic.MessageTokensCount>;
}

async function summarize(messages: MessagesApi, text: string): Promise<string> {
  const params: CreateParams & { stream?: false } = {
    model: 'claude-sonnet-5-5',
    max_tokens: 200,
    system: [{ type: 'text', text: 'Summarize.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  };
  const message = await messages.create(params);
  return message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
}

describe('ClaudeCodeAnthropic types', () => {
  it('fits where code expects the SDK client', () => {
    expectTypeOf<ClaudeCodeAnthropic['messages']>().toExtend<MessagesApi>();
    // The same parameter types as the SDK's `Anthropic['messages']` methods.
    expectTypeOf<Parameters<ClaudeCodeAnthropic['messages']['create']>[0]>().toEqualTypeOf<CreateParams>();
    expectTypeOf<CreateParams>().toEqualTypeOf<MessageCreateParamsBase>();
    expectTypeOf<
      Parameters<ClaudeCodeAnthropic['messages']['countTokens']>[0]
    >().toEqualTypeOf<CountParams>();
  });

  it('types create() like the SDK overloads', () => {
    // Type-level only: never called.
    const check = (c: ClaudeCodeAnthropic) => {
      const params = { model: 'x', max_tokens: 1, messages: [{ role: 'user' as const, content: 'hi' }] };
      expectTypeOf(c.messages.create(params)).toEqualTypeOf<Promise<Anthropic.Message>>();
      expectTypeOf(c.messages.create({ ...params, stream: true })).toEqualTypeOf<
        Promise<AnthropicEventStream>
      >();
      expectTypeOf(c.messages.countTokens(params)).toEqualTypeOf<Promise<Anthropic.MessageTokensCount>>();
      expectTypeOf(c.models.retrieve('x')).toEqualTypeOf<Promise<Anthropic.ModelInfo>>();
    };
    expectTypeOf(check).toBeFunction();
    expectTypeOf<AnthropicEventStream>().toExtend<AsyncIterable<Anthropic.RawMessageStreamEvent>>();
    expectTypeOf<ClaudeCodeMessageStream>().toExtend<AsyncIterable<Anthropic.RawMessageStreamEvent>>();
  });
});

describe('ClaudeCodeAnthropic at runtime', () => {
  it('works through code typed against the SDK', async () => {
    const c = await client({ turns: [{ kind: 'reply', text: 'A short summary.' }] });
    expect(await summarize(c.messages, 'a long text')).toBe('A short summary.');
    const counted = await c.messages.countTokens({
      model: 'claude-sonnet-5-5',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('create({ stream: true }) resolves to an iterable stream of raw events', async () => {
    const c = await client({ turns: [{ kind: 'reply', chunks: ['a', 'b'] }] });
    const stream = await c.messages.create({
      model: 'opus',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(stream.controller).toBeInstanceOf(AbortController);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(fake?.invocations()[0]?.argv).toEqual(expect.arrayContaining(['--model', 'opus']));
  });

  it('messages.stream() emits text, accumulates the message and gives the final text', async () => {
    const c = await client({ turns: [{ kind: 'reply', chunks: ['Hello', ', ', 'world'] }] });
    const stream = c.messages.stream({
      model: 'claude-fable-5-2',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(stream).toBeInstanceOf(ClaudeCodeMessageStream);
    const deltas: string[] = [];
    let ended = false;
    stream.on('text', (delta) => deltas.push(delta)).on('end', () => (ended = true));
    const iterated: string[] = [];
    for await (const event of stream) iterated.push(event.type);
    expect(await stream.finalText()).toBe('Hello, world');
    const message = await stream.finalMessage();
    expect(message).toMatchObject({
      model: 'claude-fable-5-2',
      stop_reason: 'end_turn',
      usage: { output_tokens: 8 },
    });
    expect(deltas).toEqual(['Hello', ', ', 'world']);
    expect(iterated.at(0)).toBe('message_start');
    expect(iterated.at(-1)).toBe('message_stop');
    expect(ended).toBe(true);
  });

  it('lists and retrieves models', async () => {
    const c = await client();
    const page = await c.models.list();
    expect(page.data.map((m) => m.id)).toContain('claude-opus-5-5');
    const ids: string[] = [];
    for await (const model of c.models.list({ limit: 2 })) ids.push(model.id);
    expect(ids).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5']);
    expect((await c.models.retrieve('sonnet')).id).toBe('claude-sonnet-5-5');
    await expect(c.models.retrieve('gpt-4')).rejects.toMatchObject({ status: 404, type: 'not_found_error' });
  });

  it('throws AnthropicApiError with the API status and type', async () => {
    const c = await client({ turns: [{ kind: 'api_error', status: 529 }] });
    const params = { model: 'opus', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    const error = await c.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnthropicApiError);
    expect(error).toMatchObject({ status: 529, type: 'overloaded_error' });
    await expect(c.messages.create({ ...params, stream: true })).rejects.toMatchObject({ status: 529 });
    const invalid = c.messages.stream({ ...params, max_tokens: 0 });
    let seen: AnthropicApiError | undefined;
    invalid.on('error', (e) => (seen = e));
    await expect(invalid.finalMessage()).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/^max_tokens:/),
    });
    expect(seen?.status).toBe(400);
  });

  it('aborts the CLI run through the signal option', async () => {
    const c = await client({ turns: [{ kind: 'hang' }] });
    const controller = new AbortController();
    const pending = c.messages.create(
      { model: 'opus', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ status: 499 });
  });
});
