/**
 * The field classification (src/compat/&#42;/request-fields.ts) as the official clients meet it through
 * the proxy: ignored and unknown fields become `x-claude-code-warnings` entries on every API, a 400
 * naming the field under `--strict` (in each API's own error shape, `param` included on OpenAI
 * paths), defaults never warn, and refused Responses fields are a 400 in any mode. Nothing is run
 * for a refused request.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { cliRuns, startHarness, type Harness } from '../support/index.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const model = 'claude-sonnet-5-5';
const reply = { default: { kind: 'reply' as const, text: 'ok' } };

async function start(strict: boolean): Promise<{ anthropic: Anthropic; openai: OpenAI; h: Harness }> {
  harness = await startHarness(reply, { strict });
  return {
    h: harness,
    anthropic: new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 }),
    openai: new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 }),
  };
}

async function rejected(request: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OpenAI.APIError)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

describe('request fields through the proxy', () => {
  it('warns about ignored and unknown fields on every API, and not about defaults', async () => {
    const { anthropic, openai } = await start(false);
    const messages = await anthropic.messages
      .create({
        model,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
        // @ts-expect-error -- a field the API does not have
        mystery_field: 1,
      })
      .withResponse();
    expect(messages.response.headers.get('x-claude-code-warnings')).toBe(
      'mystery_field: unknown parameter; ignored',
    );

    const chat = await openai.chat.completions
      .create({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        seed: 7,
        temperature: 1,
        logprobs: false,
        modalities: ['text'],
        // @ts-expect-error -- a field the API does not have
        mystery_field: 1,
      })
      .withResponse();
    expect(chat.response.headers.get('x-claude-code-warnings')).toBe(
      'seed: not supported by the Claude Code CLI; ignored; mystery_field: unknown parameter; ignored',
    );

    const responses = await openai.responses
      .create({ model, input: 'hi', truncation: 'auto', top_p: 1, prompt_cache_key: 'k' })
      .withResponse();
    expect(responses.response.headers.get('x-claude-code-warnings')).toBe(
      'truncation: the CLI compacts long conversations itself; ignored',
    );
  });

  it('refuses ignored fields with 400 naming them under --strict, before running anything', async () => {
    const { anthropic, openai, h } = await start(true);
    const messages = await anthropic.messages
      .create({
        model,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
        // @ts-expect-error -- a field the API does not have
        mystery_field: 1,
      })
      .catch((e: unknown) => e);
    expect(messages).toBeInstanceOf(Anthropic.BadRequestError);
    expect((messages as Error).message).toContain('mystery_field: unknown parameter (rejected because');

    const chat = await rejected(
      openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], seed: 7 }),
    );
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect(chat.param).toBe('seed');
    expect(chat.message).toContain('seed: not supported by the Claude Code CLI (rejected because');

    const responses = await rejected(openai.responses.create({ model, input: 'hi', temperature: 0.2 }));
    expect(responses.status).toBe(400);
    expect(responses.param).toBe('temperature');
    expect(cliRuns(h.fake)).toHaveLength(0);

    // Defaults are not "set": strict mode lets them through.
    const ok = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 1,
      n: 1,
      logprobs: false,
    });
    expect(ok.choices[0]?.message.content).toBe('ok');
  });

  it('refuses Responses fields it cannot run with in any mode: conversation, prompt', async () => {
    const { openai, h } = await start(false);
    const conversation = await rejected(
      openai.responses.create({ model, input: 'hi', conversation: 'conv_1' }),
    );
    expect(conversation.status).toBe(400);
    expect(conversation.param).toBe('conversation');
    expect(conversation.message).toContain('stored conversations are not available here');
    const prompt = await rejected(openai.responses.create({ model, prompt: { id: 'pmpt_1' } }));
    expect(prompt.param).toBe('prompt');
    expect(cliRuns(h.fake)).toHaveLength(0);
  });
});
