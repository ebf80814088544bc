/**
 * End-to-end: official clients → proxy → real Claude Code CLI → fake Messages API.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { lastUserText } from '../fixtures/fake-api.mjs';
import { streamedChatText, useRealCliProxy } from './real-cli-proxy.js';

const proxy = useRealCliProxy({}, { resetApi: false });

type ApiMessage = { role: string; content: unknown };
function roleTurns(body: unknown): Array<[string, string]> {
  return (body as { messages: ApiMessage[] }).messages
    .filter((m) => m.role !== 'system')
    .map((m) => [m.role, lastUserText({ messages: [{ ...m, role: 'user' }] })]);
}

describe('proxy with the real CLI', () => {
  it('carries a three-turn conversation to the API as separate role turns', async () => {
    const client = proxy.anthropic();
    const model = 'claude-sonnet-5-5';
    const system = 'You are a test assistant.';
    const history: Anthropic.MessageParam[] = [];
    for (const question of ['first question', 'second question', 'third question']) {
      history.push({ role: 'user', content: question });
      const { data: answer, response } = await client.messages
        .create({ model, max_tokens: 200, system, messages: history })
        .withResponse();
      const text = answer.content[0]?.type === 'text' ? answer.content[0].text : '';
      expect(text).toBe(`You said: ${question}`);
      // Later turns go to the process that answered the one before (conversation affinity).
      expect(response.headers.get('x-claude-code-context')).toBe(history.length === 1 ? 'new' : 'continued');
      history.push({ role: 'assistant', content: text });
    }
    const last = proxy.api.messageRequests().at(-1)?.body as {
      system: Array<{ text: string }>;
      tools?: unknown[];
    };
    expect(roleTurns(last)).toEqual([
      ['user', 'first question'],
      ['assistant', 'You said: first question'],
      ['user', 'second question'],
      ['assistant', 'You said: second question'],
      ['user', 'third question'],
    ]);
    expect(last.system.map((b) => b.text).join('\n')).toContain(system);
    expect(last.tools ?? []).toHaveLength(0);
  });

  it('gives a history the server never saw to the API as separate role turns (synthesized session)', async () => {
    const client = proxy.openai();
    const { data, response } = await client.chat.completions
      .create({
        model: 'claude-sonnet-5-5',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'imported question one' },
          { role: 'assistant', content: 'imported answer one' },
          { role: 'user', content: 'follow-up' },
        ],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('You said: follow-up');
    expect(response.headers.get('x-claude-code-context')).toBe('synthesized');
    expect(roleTurns(proxy.api.messageRequests().at(-1)?.body)).toEqual([
      ['user', 'imported question one'],
      ['assistant', 'imported answer one'],
      ['user', 'follow-up'],
    ]);
  });

  it('streams through the OpenAI client', async () => {
    proxy.api.enqueue({ kind: 'text', chunks: ['alpha ', 'beta'] });
    expect(await streamedChatText(proxy.openai(), 'go')).toBe('alpha beta');
  });

  it('reports an upstream 529 as overloaded to both clients', async () => {
    proxy.api.enqueue({ kind: 'error', status: 529 });
    const anthropic = proxy.anthropic();
    const error = await anthropic.messages
      .create({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
  });
});
