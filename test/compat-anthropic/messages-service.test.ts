import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnthropicApiError, toAnthropicError } from '../../src/compat/anthropic/index.js';
import { AnthropicMessagesService } from '../../src/gateway/index.js';
import { MemorySessionStore } from '../../src/session/session-store.js';
import { initializeRequest } from '../integration/initialize-request.js';
import { isUserLine } from '../http/server-harness.js';
import { ClaudeCodeSessionNotFoundError, ClaudeCodeWrapper, ClaudeRun } from '../../src/index.js';
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

async function setup(scenario: FakeClaudeScenario = {}, options: { strict?: boolean } = {}) {
  fake = await withFakeClaude(scenario);
  const wrapper = new ClaudeCodeWrapper({
    claudeBinary: fake.binary,
    // A HOME of its own: synthesized transcripts are written under it.
    env: { ...fake.env, HOME: mkdtempSync(join(tmpdir(), 'ccw-home-')) },
    logLevel: 'silent',
    killGraceMs: 300,
  });
  const store = new MemorySessionStore();
  const service = new AnthropicMessagesService({ wrapper, sessionStore: store, ...options });
  return { service, fake, store };
}

/** The user prompt the fake received on stdin in invocation `i` (text blocks joined). */
function stdinText(f: FakeClaude, i: number): string {
  // The first user turn (an `initialize` control request may come before it).
  const line = f.invocations()[i]?.stdin.find(isUserLine) as
    { message: { content: { type: string; text?: string }[] } } | undefined;
  return (line?.message.content ?? []).map((b) => b.text ?? `[${b.type}]`).join('');
}

const body = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
  model: 'claude-opus-5-5',
  max_tokens: 321,
  messages,
  ...extra,
});

describe('AnthropicMessagesService with the fake CLI', () => {
  it('create() returns a Message with the CLI answer, and metadata', async () => {
    const { service, fake } = await setup({
      turns: [{ kind: 'reply', text: 'Hi there!', usage: { input_tokens: 40, output_tokens: 4 } }],
    });
    const { message, meta } = await service.create(
      body([{ role: 'user', content: 'hello' }], { system: 'Be nice.' }),
    );
    expect(message).toMatchObject({
      id: 'msg_fake_0001',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5-5',
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 4, service_tier: 'standard', server_tool_use: null },
    });
    // As the API writes it: no `citations` key on a text block without citations.
    expect(message.content).toStrictEqual([{ type: 'text', text: 'Hi there!' }]);
    expect(meta).toMatchObject({ context: 'new', warnings: [], costUsd: 0.000208 });
    expect(meta.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const [invocation] = fake.invocations();
    expect(invocation?.argv).toEqual(expect.arrayContaining(['--model', 'claude-opus-5-5', '--tools', '']));
    expect(initializeRequest(invocation)?.['systemPrompt']).toBe('Be nice.');
    expect(invocation?.env['CLAUDE_CODE_MAX_OUTPUT_TOKENS']).toBe('321');
    expect(stdinText(fake, 0)).toBe('hello');
  });

  it('stream() yields the API events in order and resolves the metadata', async () => {
    const { service } = await setup({ turns: [{ kind: 'reply', chunks: ['Hel', 'lo', '!'] }] });
    const { events, started, meta } = service.stream(
      body([{ role: 'user', content: 'hi' }], { temperature: 0.3 }),
    );
    const iterator = events[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(await started).toEqual({ context: 'new', warnings: [expect.stringMatching(/^temperature: /)] });
    const list = [first.value as RawMessageStreamEvent];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      list.push(next.value);
    expect(list.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const deltas = list.flatMap((e) =>
      e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? [e.delta.text] : [],
    );
    expect(deltas).toEqual(['Hel', 'lo', '!']);
    expect((await meta).warnings).toEqual([expect.stringMatching(/^temperature: .*; ignored$/)]);
  });

  it('resumes a conversation it answered before, forking the session and sending only the new turn', async () => {
    const { service, fake } = await setup();
    const first = await service.create(body([{ role: 'user', content: 'first question' }]));
    const history = [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: first.message.content },
    ];
    const second = await service.create(body([...history, { role: 'user', content: 'follow-up' }]));
    expect(second.meta.context).toBe('resumed');
    const invocation = fake.invocations()[1];
    const resumeAt = invocation?.argv.indexOf('--resume') ?? -1;
    expect(invocation?.argv[resumeAt + 1]).toBe(first.meta.sessionId);
    expect(invocation?.argv).toContain('--fork-session');
    expect(invocation?.stdin.filter(isUserLine)).toHaveLength(1);
    expect(stdinText(fake, 1)).toBe('follow-up');
    expect(second.meta.sessionId).not.toBe(first.meta.sessionId);

    // The next turn continues from the forked session, with the assistant answer sent back as a string.
    const third = await service.create(
      body([
        ...history,
        { role: 'user', content: 'follow-up' },
        {
          role: 'assistant',
          content: second.message.content[0]?.type === 'text' ? second.message.content[0].text : '',
        },
        { role: 'user', content: 'third' },
      ]),
    );
    expect(third.meta.context).toBe('resumed');
    expect(fake.invocations()[2]?.argv).toContain(second.meta.sessionId);
    expect(stdinText(fake, 2)).toBe('third');
  });

  it('branches two different continuations of the same conversation into separate sessions', async () => {
    const { service } = await setup();
    const first = await service.create(body([{ role: 'user', content: 'root' }]));
    const history = [
      { role: 'user', content: 'root' },
      { role: 'assistant', content: first.message.content },
    ];
    const [a, b] = await Promise.all([
      service.create(body([...history, { role: 'user', content: 'branch A' }])),
      service.create(body([...history, { role: 'user', content: 'branch B' }])),
    ]);
    expect([a.meta.context, b.meta.context]).toEqual(['resumed', 'resumed']);
    expect(a.meta.sessionId).not.toBe(b.meta.sessionId);
  });

  it('gives an unknown history to the CLI as a synthesized session, then resumes from there', async () => {
    const { service, fake } = await setup();
    const messages = [
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: '4' },
      { role: 'user', content: 'And times 3?' },
    ];
    const flattened = await service.create(body(messages));
    expect(flattened.meta.context).toBe('synthesized');
    // Only the new turn goes on stdin; the history is in the transcript the CLI resumes (and forks).
    expect(stdinText(fake, 0)).toBe('And times 3?');
    const argv = fake.invocations()[0]?.argv ?? [];
    expect(argv).toEqual(expect.arrayContaining(['--resume', '--fork-session']));
    const transcript = readFileSync(
      join(
        fake.invocations()[0]?.env['HOME'] ?? '/nonexistent',
        '.claude',
        'projects',
        '-claude-code-wrapper-synthetic',
        `${argv[argv.indexOf('--resume') + 1]}.jsonl`,
      ),
      'utf8',
    );
    expect(
      transcript
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { type: string }).type),
      // The attachment is the system turn that carries the CLI's effort declaration (HISTORY_NOTE).
    ).toEqual(['user', 'attachment', 'assistant']);

    const next = await service.create(
      body([
        ...messages,
        { role: 'assistant', content: flattened.message.content },
        { role: 'user', content: 'ok' },
      ]),
    );
    expect(next.meta.context).toBe('resumed');
    expect(stdinText(fake, 1)).toBe('ok');
  });

  it('cuts the answer at a stop sequence and stops the CLI early', async () => {
    const { service } = await setup({
      turns: [
        { kind: 'reply', chunks: ['Step 1. ', 'Step 2. DO', 'NE and more', ' text'], chunkDelayMs: 30 },
      ],
    });
    const { message, meta } = await service.create(
      body([{ role: 'user', content: 'go' }], { stop_sequences: ['DONE'] }),
    );
    expect(message.content).toStrictEqual([{ type: 'text', text: 'Step 1. Step 2. ' }]);
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'DONE' });
    expect(meta.costUsd).toBe(0);
  });

  it('reports a failed run before the first event, mapped to the API status', async () => {
    const { service } = await setup({ turns: [{ kind: 'api_error', status: 401 }] });
    const failure = await service.create(body([{ role: 'user', content: 'hi' }])).catch((e: unknown) => e);
    expect(toAnthropicError(failure)).toMatchObject({
      status: 401,
      body: { error: { type: 'authentication_error' } },
    });

    const { events, started, meta } = service.stream(body([{ role: 'user', content: 'hi' }]));
    const iterator = events[Symbol.asyncIterator]();
    const streamFailure = await iterator.next().catch((e: unknown) => e);
    expect(toAnthropicError(streamFailure).status).toBe(401);
    await expect(started).rejects.toBe(streamFailure);
    await expect(meta).rejects.toBe(streamFailure);
  });

  it('validates before running anything, and rejects unsupported parameters in strict mode', async () => {
    const { service, fake } = await setup({}, { strict: true });
    expect(() => service.stream({ model: 'x', messages: [] })).toThrow(AnthropicApiError);
    await expect(service.create(body([{ role: 'user', content: 'hi' }], { top_k: 3 }))).rejects.toMatchObject(
      {
        status: 400,
        type: 'invalid_request_error',
        message: expect.stringMatching(/^top_k: /),
      },
    );
    expect(fake.invocations()).toHaveLength(0);
  });

  it('estimates tokens without running the CLI', async () => {
    const { service, fake } = await setup();
    const small = service.countTokens({ model: 'opus', messages: [{ role: 'user', content: 'hi' }] });
    const large = service.countTokens({
      model: 'opus',
      system: 'x'.repeat(4000),
      messages: [{ role: 'user', content: 'hi' }],
    });
    const image = service.countTokens({
      model: 'opus',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(100_000) } },
          ],
        },
      ],
    });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(large.input_tokens - small.input_tokens).toBeGreaterThanOrEqual(1000);
    expect(image.input_tokens).toBeLessThan(2000);
    expect(fake.invocations()).toHaveLength(0);
  });
});

describe('AnthropicMessagesService with a session the CLI lost', () => {
  /** A wrapper whose CLI has lost the sessions in `lost` (the fake CLI accepts any session id). */
  function losingWrapper(lost: (sessionId: string) => boolean, resumed: string[]): ClaudeCodeWrapper {
    class LosingWrapper extends ClaudeCodeWrapper {
      override resumeSessionStreaming(
        sessionId: string,
        ...rest: Parameters<ClaudeCodeWrapper['resumeSessionStreaming']> extends [string, ...infer R]
          ? R
          : never
      ): ClaudeRun {
        resumed.push(sessionId);
        if (!lost(sessionId)) return super.resumeSessionStreaming(sessionId, ...rest);
        return new ClaudeRun((controller) =>
          queueMicrotask(() => controller.fail(new ClaudeCodeSessionNotFoundError(sessionId))),
        );
      }
    }
    return new LosingWrapper({ claudeBinary: fake!.binary, env: fake!.env, logLevel: 'silent' });
  }

  it('rebuilds the history (synthesized) when the stored session is gone', async () => {
    fake = await withFakeClaude();
    const resumed: string[] = [];
    // Set once the first answer names its session; the wrapper loses only that one.
    const lost: { session?: string | undefined } = {};
    const wrapper = losingWrapper((id) => id === lost.session, resumed);
    const service = new AnthropicMessagesService({ wrapper, sessionStore: new MemorySessionStore() });
    const first = await service.create(body([{ role: 'user', content: 'q1' }]));
    lost.session = first.meta.sessionId;
    const history = [
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: first.message.content },
    ];
    const second = await service.create(body([...history, { role: 'user', content: 'q2' }]));
    expect(resumed[0]).toBe(lost.session);
    expect(resumed).toHaveLength(2);
    expect(second.meta.context).toBe('synthesized');
    expect(second.meta.warnings).toEqual([
      expect.stringMatching(/not on this server; the history was rebuilt/),
    ]);
    expect(stdinText(fake, 1)).not.toContain('<conversation_history>');
  });

  it('flattens the history when the rebuilt session cannot be resumed either', async () => {
    fake = await withFakeClaude();
    const resumed: string[] = [];
    const wrapper = losingWrapper(() => true, resumed);
    const service = new AnthropicMessagesService({ wrapper, sessionStore: new MemorySessionStore() });
    const first = await service.create(body([{ role: 'user', content: 'q1' }]));
    const history = [
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: first.message.content },
    ];
    const second = await service.create(body([...history, { role: 'user', content: 'q2' }]));
    expect(resumed).toHaveLength(2);
    expect(resumed[0]).toBe(first.meta.sessionId);
    expect(second.meta.context).toBe('flattened');
    expect(stdinText(fake, 1)).toContain('<conversation_history>');
  });
});

describe('warming up the request path', () => {
  it('prepares a run through the translation and the wrapper, and starts no CLI', async () => {
    const { service, fake } = await setup();
    // The wrapper's own preparation runs (the spy calls through): the translated one-line request.
    const prepare = vi.spyOn(ClaudeCodeWrapper.prototype, 'prepare');
    try {
      service.warmUp();
      expect(prepare).toHaveBeenCalledTimes(1);
      expect(prepare.mock.calls[0]?.[0]).toEqual([{ type: 'text', text: 'warm-up' }]);
      expect(prepare.mock.results[0]?.type).toBe('return');
    } finally {
      prepare.mockRestore();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.invocations()).toHaveLength(0);
  });

  it('never throws, even without a CLI, which the wrapper reports when asked directly', () => {
    const wrapper = new ClaudeCodeWrapper({ claudeBinary: '/nonexistent/claude', logLevel: 'silent' });
    expect(() => wrapper.prepare('hi')).toThrow(/nonexistent/);
    expect(() => wrapper.prepare(42 as unknown as string)).toThrow(/prompt/);
    const service = new AnthropicMessagesService({ wrapper, sessionStore: new MemorySessionStore() });
    expect(() => service.warmUp()).not.toThrow();
  });
});
