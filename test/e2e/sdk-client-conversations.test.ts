/**
 * `ClaudeCodeAnthropic` with `conversationProcesses` over the real CLI against the fake Messages
 * API: a chat loop written for `@anthropic-ai/sdk` continues in one CLI session, turn after turn
 * (the same session in every API call's metadata, each call carrying the whole conversation),
 * where without it each turn resumes the session forked into a new one.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeAnthropic } from '../../src/sdk-client/index.js';
import { useRealCliWrappers, type UpstreamBody } from './real-cli-proxy.js';

const suite = useRealCliWrappers();

/** Three turns of a chat loop; the answers and what each API call carried. */
async function chat(conversationProcesses: boolean) {
  const client = new ClaudeCodeAnthropic({ wrapper: await suite.wrapper(), conversationProcesses });
  try {
    const history: Anthropic.MessageParam[] = [];
    const answers: string[] = [];
    for (const question of ['first question', 'second question', 'third question']) {
      history.push({ role: 'user', content: question });
      const message = await client.messages.create({ model: 'sonnet', max_tokens: 100, messages: history });
      history.push({ role: 'assistant', content: message.content });
      answers.push(message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''));
    }
    const calls = suite.api.messageRequests().map((request) => request.body as UpstreamBody);
    return {
      answers,
      sessions: new Set(calls.map((call) => JSON.stringify(call.metadata))).size,
      userTurns: calls.map((call) => call.messages.filter((m) => m.role === 'user').length),
    };
  } finally {
    await client.close();
    await client.wrapper.close();
  }
}

describe('ClaudeCodeAnthropic conversation processes (real CLI)', () => {
  it('continues a chat loop in one CLI session, with the same API calls as the resume path', async () => {
    const kept = await chat(true);
    suite.api.reset();
    const resumed = await chat(false);
    expect(kept.answers).toEqual([
      'You said: first question',
      'You said: second question',
      'You said: third question',
    ]);
    expect(kept.answers).toEqual(resumed.answers);
    // Every call carries the conversation so far, either way.
    expect(kept.userTurns).toEqual(resumed.userTurns);
    expect(kept.sessions).toBe(1);
    expect(resumed.sessions).toBe(3);
  });
});
