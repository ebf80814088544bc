/**
 * Conversation affinity with the real CLI against the fake Messages API: a turn sent to the kept
 * process reaches the API exactly as the resume path sends it (the CLI holds the same messages;
 * only the session id in the request's metadata differs), and another conversation never gets a
 * kept process: its API calls carry none of the first conversation's turns.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { CITY_SCHEMA, toolLoopBehavior } from '../tools/real-cli-helpers.js';
import {
  isDirectoryUpdate,
  upstreamBody,
  useRealCliProxy,
  type RealCliProxy,
  type UpstreamBody,
} from './real-cli-proxy.js';

const kept = useRealCliProxy({ conversationProcesses: 4 });
const resumed = useRealCliProxy({ conversationProcesses: 0 });

const model = 'claude-sonnet-5-5';
const system = 'You are a test assistant.';
const systemParam = (text: string) =>
  ({ role: 'system', content: text }) as unknown as Anthropic.MessageParam;

/** The body the API got for the last message request, as far as the conversation goes (see {@link upstreamBody}). */
function lastUpstream(proxy: RealCliProxy): Record<string, unknown> {
  return upstreamBody(proxy, proxy.api.messageRequests().length - 1);
}

/** How many directory-change notes the last API call carried. */
function directoryUpdates(proxy: RealCliProxy): number {
  return (proxy.api.messageRequests().at(-1)?.body as UpstreamBody).messages.filter(isDirectoryUpdate).length;
}

/** Run a conversation turn by turn; returns each turn's context header and upstream body. */
async function converse(proxy: RealCliProxy, turns: Anthropic.MessageParam[][]) {
  const client = proxy.anthropic();
  const history: Anthropic.MessageParam[] = [];
  const seen: { context: string | null; text: string; upstream: Record<string, unknown> }[] = [];
  for (const turn of turns) {
    history.push(...turn);
    const { data, response } = await client.messages
      .create({ model, max_tokens: 200, system, messages: history })
      .withResponse();
    const text = data.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    seen.push({
      context: response.headers.get('x-claude-code-context'),
      text,
      upstream: lastUpstream(proxy),
    });
    // The trailing system messages stay in the history where they were sent.
    history.push({ role: 'assistant', content: text });
  }
  return seen;
}

describe('conversation affinity with the real CLI', () => {
  it('sends the same API request as the resume path, turn by turn', async () => {
    const turns: Anthropic.MessageParam[][] = [
      [{ role: 'user', content: 'first question' }],
      [{ role: 'user', content: 'second question' }],
      // A system message after the turn (as Claude Code sends them) rides with it either way.
      [{ role: 'user', content: 'third question' }, systemParam('RULE-3: be brief')],
    ];
    const live = await converse(kept, turns);
    const resume = await converse(resumed, turns);
    expect(live.map((turn) => turn.context)).toEqual(['new', 'continued', 'continued']);
    expect(resume.map((turn) => turn.context)).toEqual(['new', 'resumed', 'resumed']);
    expect(live.map((turn) => turn.text)).toEqual(resume.map((turn) => turn.text));
    for (const [index, turn] of live.entries()) expect(turn.upstream).toEqual(resume[index]?.upstream);
    expect(JSON.stringify(live[2]?.upstream)).toContain('RULE-3: be brief');
    // What differs is what the resume adds: each resumed process runs in its own empty directory,
    // and the CLI tells the model so in a system note per resumed turn; the kept process moved nowhere.
    expect(directoryUpdates(kept)).toBe(0);
    expect(directoryUpdates(resumed)).toBe(2);
  });

  it('keeps the process of a client tool loop for the next turn, which may call the tools again', async () => {
    const tools: Anthropic.Tool[] = [
      { name: 'get_weather', description: 'Weather', input_schema: CITY_SCHEMA },
    ];
    /** Two turns, each a tool call answered by the caller, then the final answer. */
    const toolConversation = async (proxy: RealCliProxy) => {
      proxy.api.setDefault(toolLoopBehavior);
      const client = proxy.anthropic();
      const history: Anthropic.MessageParam[] = [];
      const contexts: (string | null)[] = [];
      const send = async () => {
        const { data, response } = await client.messages
          .create({ model, max_tokens: 200, system, tools, messages: history })
          .withResponse();
        contexts.push(response.headers.get('x-claude-code-context'));
        history.push({ role: 'assistant', content: data.content });
        return data;
      };
      for (const [question, result] of [
        ['weather?', 'mild'],
        ['and tomorrow?', 'cold'],
      ] as const) {
        history.push({ role: 'user', content: question });
        const call = (await send()).content.find((block) => block.type === 'tool_use');
        history.push({
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: result }],
        });
        const final = await send();
        expect(final.content[0]).toMatchObject({ type: 'text', text: `Final: ${result}` });
      }
      return { contexts, upstream: proxy.api.messageRequests().map((_, i) => upstreamBody(proxy, i)) };
    };
    const live = await toolConversation(kept);
    const resume = await toolConversation(resumed);
    expect(live.contexts).toEqual(['new', 'continued', 'continued', 'continued']);
    expect(resume.contexts).toEqual(['new', 'continued', 'resumed', 'continued']);
    expect(live.upstream).toHaveLength(4);
    expect(live.upstream).toEqual(resume.upstream);
  });

  it('never gives a kept process to another conversation: its API calls carry none of the first one', async () => {
    const secret = await converse(kept, [
      [{ role: 'user', content: 'secret of conversation A' }],
      [{ role: 'user', content: 'more of A' }],
    ]);
    expect(secret.map((turn) => turn.context)).toEqual(['new', 'continued']);
    kept.api.reset();
    // B: a new conversation, then its next turn, then a history that starts like A's but differs.
    const b = await converse(kept, [
      [{ role: 'user', content: 'question of B' }],
      [{ role: 'user', content: 'B again' }],
    ]);
    expect(b.map((turn) => turn.context)).toEqual(['new', 'continued']);
    const client = kept.anthropic();
    const { response } = await client.messages
      .create({
        model,
        max_tokens: 200,
        system,
        messages: [
          { role: 'user', content: 'secret of conversation A' },
          { role: 'assistant', content: 'a different answer' },
          { role: 'user', content: 'C asks' },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-claude-code-context')).toBe('synthesized');
    const calls = kept.api.messageRequests();
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls.slice(0, 2)) {
      expect(JSON.stringify(call.body)).not.toContain('of conversation A');
      expect(JSON.stringify(call.body)).not.toContain('more of A');
    }
    // The look-alike carries its own history, not A's continuation.
    expect(JSON.stringify(calls.at(-1)?.body)).not.toContain('more of A');
    expect(JSON.stringify(calls.at(-1)?.body)).not.toContain('You said: secret');
  });
});
