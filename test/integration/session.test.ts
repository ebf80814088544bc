import { describe, expect, it } from 'vitest';
import {
  ClaudeCodeAbortError,
  ClaudeCodeSessionClosedError,
  ClaudeCodeTimeoutError,
} from '../../src/index.js';
import type { FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, isRunning, useFakeClaude } from './helpers.js';

const setup = useFakeClaude();

function cliInvocations(f: FakeClaude) {
  return f.invocations().filter((i) => !i.argv.includes('--version'));
}

describe('ClaudeSession', () => {
  it('runs several turns in one process and keeps the history', async () => {
    const { wrapper, fake } = await setup({ echoHistory: true });
    const session = wrapper.session();
    const first = await session.ask('my name is Ada');
    const second = await session.ask('what is my name?');
    expect(first.content).toBe('fake reply 1 to: my name is Ada | previous: none');
    // Turn 2 in the same process saw turn 1.
    expect(second.content).toBe('fake reply 2 to: what is my name? | previous: my name is Ada');
    expect(cliInvocations(fake)).toHaveLength(1);
    expect(session.sessionId).toBe(first.sessionId);
    expect(second.sessionId).toBe(first.sessionId);
    expect(session.getHistory().map((h) => [h.role, h.content])).toEqual([
      ['user', 'my name is Ada'],
      ['assistant', first.content],
      ['user', 'what is my name?'],
      ['assistant', second.content],
    ]);
    const pid = cliInvocations(fake)[0]?.pid ?? -1;
    await session.close();
    expect(await eventually(() => !isRunning(pid))).toBe(true);
    await expect(session.ask('more')).rejects.toBeInstanceOf(ClaudeCodeSessionClosedError);
  });

  it('reports per-turn cost even though the CLI accumulates it per process', async () => {
    const { wrapper } = await setup({ default: { kind: 'reply', costUsd: 0.25 } });
    await using session = wrapper.session();
    await session.ask('a');
    const second = await session.ask('b');
    expect(second.metrics.costUsd).toBeCloseTo(0.25);
    expect(second.metrics.sessionCostUsd).toBeCloseTo(0.5);
  });

  it('queues concurrent asks and answers them in order', async () => {
    const { wrapper } = await setup();
    await using session = wrapper.session();
    const answers = await Promise.all([session.ask('one'), session.ask('two'), session.ask('three')]);
    expect(answers.map((a) => a.content)).toEqual([
      'fake reply 1 to: one',
      'fake reply 2 to: two',
      'fake reply 3 to: three',
    ]);
  });

  it('streams a turn token by token', async () => {
    const { wrapper } = await setup({ default: { kind: 'reply', chunks: ['a', 'b', 'c'] } });
    await using session = wrapper.session({ includePartialMessages: true });
    const deltas: string[] = [];
    for await (const event of session.stream('go')) if (event.type === 'text_delta') deltas.push(event.text);
    expect(deltas).toEqual(['a', 'b', 'c']);
  });

  it('interrupts an aborted turn and stays usable in the same process', async () => {
    const { wrapper, fake } = await setup({ turns: [{ kind: 'hang' }] });
    await using session = wrapper.session();
    const controller = new AbortController();
    const hung = session.ask('hang please', { signal: controller.signal });
    await eventually(() => (cliInvocations(fake)[0]?.stdin.length ?? 0) > 0);
    controller.abort();
    await expect(hung).rejects.toBeInstanceOf(ClaudeCodeAbortError);
    const next = await session.ask('are you there?');
    expect(next.content).toBe('fake reply 2 to: are you there?');
    expect(cliInvocations(fake)).toHaveLength(1);
    const stdin = cliInvocations(fake)[0]?.stdin as Array<{ type: string; request?: { subtype: string } }>;
    expect(
      stdin.some((line) => line.type === 'control_request' && line.request?.subtype === 'interrupt'),
    ).toBe(true);
  });

  it('times out a turn without losing the session', async () => {
    const { wrapper } = await setup({ turns: [{ kind: 'hang' }] }, { timeoutMs: 800 });
    await using session = wrapper.session();
    await expect(session.ask('slow')).rejects.toBeInstanceOf(ClaudeCodeTimeoutError);
    expect((await session.ask('fast')).content).toBe('fake reply 2 to: fast');
  });

  it('restarts a dead process with --resume so the conversation continues', async () => {
    const { wrapper, fake } = await setup({
      turns: [{ kind: 'reply' }, { kind: 'crash', signal: 'SIGKILL' }],
    });
    await using session = wrapper.session();
    const first = await session.ask('one');
    await expect(session.ask('two')).rejects.toMatchObject({ code: 'PROCESS_FAILED', signal: 'SIGKILL' });
    await fake.setScenario({});
    const third = await session.ask('three');
    expect(third.isError).toBe(false);
    const calls = cliInvocations(fake);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.argv).toEqual(expect.arrayContaining(['--resume', first.sessionId]));
    expect(third.sessionId).toBe(first.sessionId);
  });

  it('resumes or forks an earlier session', async () => {
    const { wrapper, fake } = await setup();
    const earlier = await wrapper.run('start');
    await using resumed = wrapper.session({ resume: earlier.sessionId });
    expect(resumed.sessionId).toBe(earlier.sessionId);
    expect((await resumed.ask('again')).sessionId).toBe(earlier.sessionId);
    await using forked = wrapper.session({ resume: earlier.sessionId, fork: true });
    const f = await forked.ask('branch');
    expect(f.sessionId).not.toBe(earlier.sessionId);
    expect(cliInvocations(fake).at(-1)?.argv).toEqual(expect.arrayContaining(['--fork-session']));
  });

  it('honours maxSessionTurns', async () => {
    const { wrapper } = await setup();
    await using session = wrapper.session({ maxSessionTurns: 1 });
    await session.ask('one');
    expect(() => session.stream('two')).toThrow(/maxSessionTurns/);
  });

  it('kills the process on dispose', async () => {
    const { wrapper, fake } = await setup();
    let pid = -1;
    {
      await using session = wrapper.session();
      await session.ask('x');
      pid = cliInvocations(fake)[0]?.pid ?? -1;
      expect(isRunning(pid)).toBe(true);
    }
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });
});
