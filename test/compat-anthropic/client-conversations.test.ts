/**
 * `ClaudeCodeAnthropic` with `conversationProcesses`: code written for `@anthropic-ai/sdk` that
 * sends a growing `messages` history gets each next turn from the process that answered the last
 * (the proxy's conversation affinity), not from a new process resuming the session. The fake CLI
 * echoes the previous prompt it saw in the same process, so an answer shows which process served it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeCodeWrapper } from '../../src/index.js';
import { ClaudeCodeAnthropic, type ClaudeCodeAnthropicOptions } from '../../src/sdk-client/index.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, isRunning } from '../integration/helpers.js';

let fake: FakeClaude | undefined;
let client: ClaudeCodeAnthropic | undefined;
afterEach(async () => {
  await client?.close();
  await fake?.cleanup();
  client = undefined;
  fake = undefined;
});

async function start(options: ClaudeCodeAnthropicOptions = {}): Promise<ClaudeCodeAnthropic> {
  fake = await withFakeClaude({ echoHistory: true });
  client = new ClaudeCodeAnthropic({
    claudeBinary: fake.binary,
    env: fake.env,
    logLevel: 'silent',
    killGraceMs: 300,
    ...options,
  });
  return client;
}

/** A chat loop as written for the SDK: the history grows by each answer and the next question. */
async function chat(
  messages: { create(params: Anthropic.MessageCreateParamsNonStreaming): PromiseLike<Anthropic.Message> },
  questions: string[],
): Promise<string[]> {
  const history: Anthropic.MessageParam[] = [];
  const answers: string[] = [];
  for (const question of questions) {
    history.push({ role: 'user', content: question });
    const message = await messages.create({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: history });
    history.push({ role: 'assistant', content: message.content });
    answers.push(message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''));
  }
  return answers;
}

const runs = () => (fake?.invocations() ?? []).filter((i) => !i.argv.includes('--version'));

describe('ClaudeCodeAnthropic conversation processes', () => {
  it('sends each next turn to the process that answered the last: one CLI, no resume', async () => {
    const c = await start({ conversationProcesses: true });
    expect(await chat(c.messages, ['first', 'second', 'third'])).toEqual([
      'fake reply 1 to: first | previous: none',
      'fake reply 2 to: second | previous: first',
      'fake reply 3 to: third | previous: second',
    ]);
    expect(runs()).toHaveLength(1);
    expect(runs()[0]?.argv).not.toContain('--resume');
  });

  it('is off by default: each turn resumes the session in a new process', async () => {
    const c = await start();
    expect(await chat(c.messages, ['first', 'second'])).toEqual([
      'fake reply 1 to: first | previous: none',
      'fake reply 1 to: second | previous: none',
    ]);
    expect(runs()).toHaveLength(2);
    expect(runs()[1]?.argv).toContain('--resume');
  });

  it('takes limits of its own: with a 1 s idle time the kept process ends by itself', async () => {
    const c = await start({ conversationProcesses: { maxIdleMs: 1000 } });
    await chat(c.messages, ['first']);
    const pid = runs()[0]?.pid ?? 0;
    expect(isRunning(pid)).toBe(true);
    expect(await eventually(() => !isRunning(pid), 8000)).toBe(true);
  });

  it('close() ends the kept processes and leaves a wrapper passed in to its owner', async () => {
    fake = await withFakeClaude({ echoHistory: true });
    const wrapper = new ClaudeCodeWrapper({ claudeBinary: fake.binary, env: fake.env, logLevel: 'silent' });
    client = new ClaudeCodeAnthropic({ wrapper, conversationProcesses: true });
    await chat(client.messages, ['first']);
    const pid = runs()[0]?.pid ?? 0;
    expect(isRunning(pid)).toBe(true);
    await client.close();
    expect(await eventually(() => !isRunning(pid))).toBe(true);
    expect((await wrapper.run('still open')).content).toContain('still open');
    await wrapper.close();
  });
});

describe('ClaudeCodeAnthropic conversationProcesses validation', () => {
  it('names the bad field and starts nothing', () => {
    const attempt = (value: unknown) => () =>
      new ClaudeCodeAnthropic({
        claudeBinary: '/nonexistent/claude',
        conversationProcesses: value as ClaudeCodeAnthropicOptions['conversationProcesses'],
      });
    expect(attempt({ maxIdleMs: -1 })).toThrow(/conversationProcesses\.maxIdleMs/);
    expect(attempt({ maxProcesess: 2 })).toThrow(/conversationProcesses\.maxProcesess: unknown option/);
    expect(attempt('yes')).toThrow(/conversationProcesses/);
  });
});
