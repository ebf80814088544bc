import { describe, expect, it } from 'vitest';
import {
  ClaudeCodeAbortError,
  ClaudeCodeProcessError,
  ClaudeCodeProtocolError,
  ClaudeCodeRunError,
  ClaudeCodeSessionInUseError,
  ClaudeCodeSessionNotFoundError,
  ClaudeCodeTimeoutError,
  ClaudeCodeValidationError,
  type ClaudeEvent,
} from '../../src/index.js';

import { eventually, isRunning, useFakeClaude } from './helpers.js';
import { initializeRequest } from './initialize-request.js';

const setup = useFakeClaude();

describe('run()', () => {
  it('returns the text, session id, metrics and every message', async () => {
    const { wrapper, fake } = await setup({
      turns: [
        { kind: 'reply', text: 'hi there', usage: { input_tokens: 30, output_tokens: 5 }, costUsd: 0.01 },
      ],
    });
    const response = await wrapper.run('hello');
    expect(response.content).toBe('hi there');
    expect(response.isError).toBe(false);
    expect(response.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.metrics).toMatchObject({ inputTokens: 30, outputTokens: 5, costUsd: 0.01, numTurns: 1 });
    expect(response.messages.map((m) => m.type)).toEqual(['system', 'assistant', 'result']);
    expect(response.raw.type).toBe('result');
    expect(response.executionTimeMs).toBeGreaterThan(0);
    const [call] = fake.invocations();
    // The prompt travels on stdin only.
    expect(call?.argv.join(' ')).not.toContain('hello');
    expect(call?.stdin).toEqual([
      {
        type: 'user',
        session_id: '',
        message: { role: 'user', content: [{ type: 'text', text: 'hello' }] },
        parent_tool_use_id: null,
      },
    ]);
  });

  it('sends image blocks on stdin untouched', async () => {
    const { wrapper, fake } = await setup();
    const image = {
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
    } as const;
    const response = await wrapper.run([{ type: 'text', text: 'what is this' }, image]);
    expect(response.content).toContain('[image image/png');
    const stdin = fake.invocations()[0]?.stdin[0] as { message: { content: unknown[] } };
    expect(stdin.message.content[1]).toEqual(image);
  });

  it('passes options as flags and per-call options override config', async () => {
    const { wrapper, fake } = await setup({}, { model: 'opus', maxTurns: 3 });
    await wrapper.run('x', { model: 'sonnet', systemPrompt: 'be brief', tools: [] });
    const invocation = fake.invocations()[0];
    const argv = invocation?.argv ?? [];
    expect(argv[argv.indexOf('--model') + 1]).toBe('sonnet');
    expect(argv[argv.indexOf('--max-turns') + 1]).toBe('3');
    // The system prompt is the caller's text: it travels on stdin, never on argv.
    expect(initializeRequest(invocation)?.['systemPrompt']).toBe('be brief');
    expect(argv).not.toContain('be brief');
    expect(argv[argv.indexOf('--tools') + 1]).toBe('');
  });

  it('rejects invalid options before spawning, naming field and value', async () => {
    const { wrapper, fake } = await setup();
    await expect(wrapper.run('x', { timeoutMs: -5 })).rejects.toMatchObject({
      name: 'ClaudeCodeValidationError',
      field: 'options.timeoutMs',
      value: -5,
    });
    await expect(wrapper.run('')).rejects.toBeInstanceOf(ClaudeCodeValidationError);
    await expect(
      wrapper.run([
        { type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AAAA' } },
      ] as never),
    ).rejects.toMatchObject({ field: 'prompt[0].source.media_type' });
    expect(fake.invocations()).toHaveLength(0);
  });

  it('reports a CLI-reported API failure as isError, or throws it with throwOnError', async () => {
    const { wrapper } = await setup({ default: { kind: 'api_error', status: 529, retries: 1 } });
    const response = await wrapper.run('x');
    expect(response).toMatchObject({ isError: true, errorType: 'overloaded_error', apiErrorStatus: 529 });
    const error = await wrapper.run('x', { throwOnError: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaudeCodeRunError);
    expect(error).toMatchObject({ code: 'OVERLOADED', isRetryable: true, apiErrorStatus: 529 });
  });

  it('classifies 401, 429 and max-turns correctly for retries', async () => {
    const { wrapper, fake } = await setup({
      turns: [{ kind: 'api_error', status: 401 }],
      default: { kind: 'max_turns' },
    });
    const auth = (await wrapper
      .run('x', { throwOnError: true })
      .catch((e: unknown) => e)) as ClaudeCodeRunError;
    expect(auth).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      isRetryable: false,
      errorType: 'authentication_error',
    });
    expect(auth.message).toMatch(/claude \/login|ANTHROPIC_API_KEY/);
    await fake.setScenario({ default: { kind: 'api_error', status: 429 } });
    expect((await wrapper.run('x')).errorType).toBe('rate_limit_error');
    await fake.setScenario({ default: { kind: 'max_turns' } });
    const maxTurns = await wrapper.run('x');
    expect(maxTurns).toMatchObject({ isError: true, errorType: 'max_turns', errorSubtype: 'max_turns' });
    expect(maxTurns.content).toMatch(/Reached maximum number of turns/);
  });

  it('survives garbage lines, unknown message types, split writes and huge lines', async () => {
    const { wrapper } = await setup({
      turns: [
        { kind: 'reply', text: 'ok1', garbageBefore: ['not json at all', '[1,2,3]'], unknownBefore: true },
        { kind: 'reply', text: 'ok2', splitWrites: true },
        { kind: 'reply', hugeTextBytes: 3_000_000 },
      ],
    });
    const events: ClaudeEvent[] = [];
    const run = wrapper.runStreaming('a');
    for await (const e of run) events.push(e);
    expect((await run.result).content).toBe('ok1');
    expect(events.some((e) => e.type === 'unknown')).toBe(true);
  });

  it('reassembles split writes and multi-megabyte lines', async () => {
    const { wrapper, fake } = await setup({
      turns: [
        { kind: 'reply', text: 'ok2', splitWrites: true },
        { kind: 'reply', hugeTextBytes: 3_000_000 },
      ],
    });
    expect((await wrapper.run('a')).content).toBe('ok2');
    await fake.setScenario({ turns: [{ kind: 'reply', hugeTextBytes: 3_000_000 }] });
    expect((await wrapper.run('b')).content).toHaveLength(3_000_000);
  });

  it('maps known CLI start-up failures to clear errors', async () => {
    const { wrapper, fake } = await setup({
      startup: {
        stderr: 'No conversation found with session ID: 00000000-0000-4000-8000-000000000000',
        exitCode: 1,
      },
    });
    const notFound = await wrapper
      .resumeSession('00000000-0000-4000-8000-000000000000', 'x')
      .catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ClaudeCodeSessionNotFoundError);
    await fake.setScenario({
      startup: {
        stderr: 'Error: Session ID 6c8923dd-0d2b-47f5-8110-ae37428b1477 is already in use.',
        exitCode: 1,
      },
    });
    const inUse = await wrapper
      .run('x', { sessionId: '6c8923dd-0d2b-47f5-8110-ae37428b1477' })
      .catch((e: unknown) => e);
    expect(inUse).toBeInstanceOf(ClaudeCodeSessionInUseError);
  });

  it('reports a crash with exit code, signal and stderr tail', async () => {
    const { wrapper, fake } = await setup({
      default: { kind: 'crash', exitCode: 3, stderr: 'boom: out of cheese' },
    });
    const error = (await wrapper.run('x').catch((e: unknown) => e)) as ClaudeCodeProcessError;
    expect(error).toBeInstanceOf(ClaudeCodeProcessError);
    expect(error).toMatchObject({ exitCode: 3, signal: null, code: 'PROCESS_FAILED' });
    expect(error.stderrTail).toContain('out of cheese');
    expect(error.message).toContain('out of cheese');
    await fake.setScenario({ default: { kind: 'crash', signal: 'SIGKILL' } });
    const killed = (await wrapper.run('x').catch((e: unknown) => e)) as ClaudeCodeProcessError;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.isRetryable).toBe(true);
  });

  it('reports a binary that prints no stream-json as a protocol error', async () => {
    const { wrapper } = await setup({}, { claudeBinary: '/bin/echo' });
    const error = await wrapper.run('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaudeCodeProtocolError);
    expect((error as Error).message).toMatch(/not stream-json/);
  });
});

describe('timeouts and abort', () => {
  it('kills the CLI on total timeout', async () => {
    const { wrapper, fake } = await setup({ default: { kind: 'hang' } });
    const error = await wrapper.run('x', { timeoutMs: 1000, idleTimeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaudeCodeTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 1000, kind: 'total', code: 'TIMEOUT', isRetryable: true });
    const pid = fake.invocations()[0]?.pid ?? -1;
    expect(pid).toBeGreaterThan(0);
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('kills a stalled stream with the idle watchdog', async () => {
    const { wrapper, fake } = await setup({ default: { kind: 'stall_after_text' } });
    const error = await wrapper.run('x', { idleTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDLE_TIMEOUT', kind: 'idle' });
    const pid = fake.invocations()[0]?.pid ?? -1;
    expect(pid).toBeGreaterThan(0);
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('escalates to SIGKILL when the CLI ignores SIGTERM', async () => {
    const { wrapper, fake } = await setup(
      { default: { kind: 'hang' }, ignoreSigterm: true },
      { killGraceMs: 200 },
    );
    const controller = new AbortController();
    const pending = wrapper.run('x', { signal: controller.signal });
    // Wait until the fake has read the prompt (and installed its SIGTERM-ignoring handler).
    expect(await eventually(() => (fake.invocations()[0]?.stdin.length ?? 0) > 0)).toBe(true);
    const pid = fake.invocations()[0]?.pid ?? -1;
    const started = Date.now();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(ClaudeCodeAbortError);
    expect(isRunning(pid)).toBe(true); // still alive: SIGTERM was ignored
    expect(await eventually(() => !isRunning(pid), 3000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('aborts through an AbortSignal and kills the CLI', async () => {
    const { wrapper, fake } = await setup({ default: { kind: 'hang' } });
    const controller = new AbortController();
    const pending = wrapper.run('x', { signal: controller.signal });
    await eventually(() => fake.invocations().length > 0 && (fake.invocations()[0]?.stdin.length ?? 0) > 0);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(ClaudeCodeAbortError);
    const pid = fake.invocations()[0]?.pid ?? -1;
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('rejects at once for an already-aborted signal', async () => {
    const { wrapper } = await setup();
    await expect(wrapper.run('x', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      ClaudeCodeAbortError,
    );
  });
});

describe('runStreaming()', () => {
  it('yields session start, token deltas, the assistant message and the result', async () => {
    const { wrapper } = await setup({
      turns: [{ kind: 'reply', chunks: ['Hel', 'lo ', 'world'], thinking: 'hmm' }],
    });
    const run = wrapper.runStreaming('hi');
    const events: ClaudeEvent[] = [];
    for await (const event of run) events.push(event);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('session_start');
    expect(
      events.filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')),
    ).toEqual(['Hel', 'lo ', 'world']);
    expect(types).toContain('thinking_delta');
    expect(types).toContain('assistant_message');
    expect(types.at(-1)).toBe('result');
    const response = await run.result;
    expect(response.content).toBe('Hello world');
    expect(run.sessionId).toBe(response.sessionId);
  });

  it('reports tool use and tool results', async () => {
    const { wrapper } = await setup({
      turns: [
        {
          kind: 'reply',
          text: 'done',
          toolUse: { name: 'Bash', input: { command: 'ls' }, resultText: 'a.txt' },
        },
      ],
    });
    const events: ClaudeEvent[] = [];
    for await (const e of wrapper.runStreaming('list')) events.push(e);
    const use = events.find((e) => e.type === 'tool_use');
    const result = events.find((e) => e.type === 'tool_result');
    expect(use).toMatchObject({ name: 'Bash', input: { command: 'ls' } });
    expect(result).toMatchObject({ toolUseId: use?.type === 'tool_use' ? use.id : '', isError: false });
  });

  it('kills the CLI when the consumer breaks out early', async () => {
    const { wrapper, fake } = await setup({
      turns: [{ kind: 'reply', chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 200 }],
    });
    const run = wrapper.runStreaming('x');
    for await (const event of run) if (event.type === 'text_delta') break;
    await expect(run.result).rejects.toBeInstanceOf(ClaudeCodeAbortError);
    const pid = fake.invocations()[0]?.pid ?? -1;
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('abort() stops a run and can only be iterated once', async () => {
    const { wrapper } = await setup({ default: { kind: 'hang' } });
    const run = wrapper.runStreaming('x');
    const iterator = run[Symbol.asyncIterator]();
    expect(() => run[Symbol.asyncIterator]()).toThrow(/only once/);
    setTimeout(() => run.abort(), 100);
    await expect(run.result).rejects.toBeInstanceOf(ClaudeCodeAbortError);
    await expect(async () => {
      for (;;) if ((await iterator.next()).done) break;
    }).rejects.toBeInstanceOf(ClaudeCodeAbortError);
  });
});

describe('sessions across processes', () => {
  it('resumeSession, fork and continueLastSession pass the right flags', async () => {
    const { wrapper, fake } = await setup();
    const first = await wrapper.run('one');
    const resumed = await wrapper.resumeSession(first.sessionId, 'two');
    expect(resumed.sessionId).toBe(first.sessionId);
    const forked = await wrapper.resumeSession(first.sessionId, 'three', { fork: true });
    expect(forked.sessionId).not.toBe(first.sessionId);
    await wrapper.continueLastSession('four');
    const argvs = fake.invocations().map((i) => i.argv);
    expect(argvs[1]).toEqual(expect.arrayContaining(['--resume', first.sessionId]));
    expect(argvs[1]).not.toContain('--fork-session');
    expect(argvs[2]).toEqual(expect.arrayContaining(['--resume', first.sessionId, '--fork-session']));
    expect(argvs[3]).toContain('--continue');
  });

  it('rejects an empty session id before spawning', async () => {
    const { wrapper, fake } = await setup();
    await expect(wrapper.resumeSession('', 'x')).rejects.toMatchObject({ field: 'sessionId' });
    expect(fake.invocations()).toHaveLength(0);
  });
});

describe('getMetrics()', () => {
  it('counts requests, errors, cost, tokens and latency', async () => {
    const { wrapper, fake } = await setup({
      turns: [
        { kind: 'reply', costUsd: 0.5, usage: { input_tokens: 10, output_tokens: 2 } },
        { kind: 'api_error', status: 529 },
      ],
      default: { kind: 'crash' },
    });
    await wrapper.run('a');
    await fake.setScenario({ default: { kind: 'api_error', status: 529 } });
    await wrapper.run('b');
    await fake.setScenario({ default: { kind: 'crash' } });
    await wrapper.run('c').catch(() => undefined);
    const m = wrapper.getMetrics();
    expect(m).toMatchObject({
      requests: 3,
      successes: 1,
      errors: 2,
      inFlight: 0,
      inputTokens: 10,
      outputTokens: 2,
    });
    expect(m.totalCostUsd).toBeCloseTo(0.5);
    expect(m.errorsByType).toEqual({ overloaded_error: 1, PROCESS_FAILED: 1 });
    expect(m.latencyMs.samples).toBe(3);
    expect(m.latencyMs.p95).toBeGreaterThanOrEqual(m.latencyMs.p50);
  });
});
