/**
 * End-to-end: the real Claude Code CLI, offline, against the fake Messages API.
 */
import { describe, expect, it } from 'vitest';
import {
  ClaudeCodeAbortError,
  ClaudeCodeRunError,
  ClaudeCodeTimeoutError,
  ClaudeCodeWrapper,
  type ClaudeEvent,
} from '../../src/index.js';
import { lastUserText } from '../fixtures/fake-api.mjs';
import { realClaudeBinary } from '../fixtures/real-cli.mjs';
import { useRealCliWrappers } from './real-cli-proxy.js';

const real = useRealCliWrappers();
let wrapper: ClaudeCodeWrapper;

type ApiMessage = { role: string; content: string | Array<{ type: string; text?: string }> };
function turns(body: unknown): Array<[string, string]> {
  const messages = (body as { messages: ApiMessage[] }).messages.filter((m) => m.role !== 'system');
  return messages.map((m) => [m.role, lastUserText({ messages: [{ ...m, role: 'user' }] })]);
}

describe('real CLI end to end', () => {
  it('runs a prompt and returns text, usage and session id', async () => {
    wrapper = await real.wrapper();
    const response = await wrapper.run('hello e2e');
    expect(response.content).toBe('You said: hello e2e');
    expect(response.isError).toBe(false);
    expect(response.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.metrics.inputTokens).toBeGreaterThan(0);
    expect(response.model).toBeTruthy();
    expect(real.api.messageRequests()).toHaveLength(1);
  });

  it('streams tokens as text_delta events', async () => {
    wrapper = await real.wrapper();
    real.api.enqueue({ kind: 'text', chunks: ['one ', 'two ', 'three'] });
    const events: ClaudeEvent[] = [];
    const run = wrapper.runStreaming('count');
    for await (const event of run) events.push(event);
    const deltas = events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : []));
    expect(deltas).toEqual(['one ', 'two ', 'three']);
    expect(events[0]?.type).toBe('session_start');
    expect((await run.result).content).toBe('one two three');
  });

  it('resumes a session in a new process and the API receives the earlier turns', async () => {
    wrapper = await real.wrapper();
    const first = await wrapper.run('first question');
    const second = await wrapper.resumeSession(first.sessionId, 'second question', {
      workingDirectory: real.cli.cwd,
    });
    expect(second.sessionId).toBe(first.sessionId);
    const last = real.api.messageRequests().at(-1)?.body;
    expect(turns(last)).toEqual([
      ['user', 'first question'],
      ['assistant', 'You said: first question'],
      ['user', 'second question'],
    ]);
    const forked = await wrapper.resumeSession(first.sessionId, 'third', { fork: true });
    expect(forked.sessionId).not.toBe(first.sessionId);
  });

  it('runs two turns in one process in a session', async () => {
    wrapper = await real.wrapper();
    await using session = wrapper.session();
    await session.ask('turn one');
    const second = await session.ask('turn two');
    expect(second.content).toBe('You said: turn two');
    expect(turns(real.api.messageRequests().at(-1)?.body)).toEqual([
      ['user', 'turn one'],
      ['assistant', 'You said: turn one'],
      ['user', 'turn two'],
    ]);
    expect(new Set(real.api.messageRequests().map((r) => r.headers['x-claude-code-session-id'])).size).toBe(
      1,
    );
  });

  it('sends the system prompt and no tools when asked', async () => {
    wrapper = await real.wrapper();
    await wrapper.run('hi', { systemPrompt: 'You are a terse test bot.', tools: [] });
    const body = real.api.messageRequests()[0]?.body as {
      system: Array<{ text: string }>;
      tools?: unknown[];
    };
    expect(body.system.map((b) => b.text).join('\n')).toContain('You are a terse test bot.');
    expect(body.tools ?? []).toHaveLength(0);
  });

  it('delivers an image block to the API', async () => {
    wrapper = await real.wrapper();
    // 1x1 transparent PNG.
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    await wrapper.run([
      { type: 'text', text: 'describe' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    ]);
    const body = real.api.messageRequests()[0]?.body as {
      messages: Array<{ role: string; content: Array<{ type: string; source?: { data: string } }> | string }>;
    };
    const blocks = body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    expect(blocks.find((b) => b.type === 'image')?.source?.data).toBe(png);
  });

  it('reports 401 and 529 from the API as typed failures', async () => {
    wrapper = await real.wrapper();
    real.api.enqueue({ kind: 'error', status: 529 });
    const overloaded = await wrapper.run('x');
    expect(overloaded).toMatchObject({ isError: true, errorType: 'overloaded_error', apiErrorStatus: 529 });
    real.api.enqueue({ kind: 'error', status: 401 });
    const auth = await wrapper.run('x', { throwOnError: true }).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(ClaudeCodeRunError);
    expect(auth).toMatchObject({ errorType: 'authentication_error', isRetryable: false });
  });

  it('kills the CLI when the API stalls mid-stream (idle watchdog) and on timeout', async () => {
    wrapper = await real.wrapper();
    real.api.setDefault({ kind: 'stall-after-start' });
    const stalled = await wrapper.run('x', { idleTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(stalled).toMatchObject({ code: 'IDLE_TIMEOUT' });
    real.api.setDefault({ kind: 'hang' });
    const hung = await wrapper.run('x', { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(ClaudeCodeTimeoutError);
  });

  it('retries an upstream 529 in a new process and succeeds on the 200', async () => {
    wrapper = await real.wrapper();
    const retrying = new ClaudeCodeWrapper({
      claudeBinary: realClaudeBinary(),
      env: real.cli.env,
      workingDirectory: real.cli.cwd,
      cliMaxRetries: 0,
      maxRetries: 1,
      retryDelayMs: 50,
      logLevel: 'silent',
    });
    real.api.enqueue({ kind: 'error', status: 529 });
    const response = await retrying.run('retry me');
    expect(response).toMatchObject({ isError: false, content: 'You said: retry me', retries: 1 });
    expect(real.api.messageRequests()).toHaveLength(2);
  });

  it('aborts a running request', async () => {
    wrapper = await real.wrapper();
    real.api.setDefault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = wrapper.run('x', { signal: controller.signal });
    const deadline = Date.now() + 10_000;
    while (real.api.messageRequests().length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(ClaudeCodeAbortError);
  });
});
