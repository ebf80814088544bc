/**
 * Client tools through the proxy across concurrent conversations, the warm pool, the session-resume
 * mapping and the result deadline (real CLI, fake Messages API, unmodified `@anthropic-ai/sdk`).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../fixtures/fake-api.mjs';
import { CITY_SCHEMA, allToolResults, bodyOf, resultText, startToolLoopProxy } from './real-cli-helpers.js';

let api: FakeApi;
let close: () => Promise<void>;
let client: Anthropic;

const model = 'claude-sonnet-5-5';
const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Weather', input_schema: CITY_SCHEMA }];

beforeAll(async () => {
  let url: string;
  ({ api, url, close } = await startToolLoopProxy({ toolResultTimeoutMs: 1500 }));
  client = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await close();
});
beforeEach(() => api.requests.splice(0));

function callsOf(message: Anthropic.Message): Anthropic.ToolUseBlock[] {
  return message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
}

function answer(question: string, first: Anthropic.Message, result: string): Anthropic.MessageParam[] {
  return [
    { role: 'user', content: question },
    { role: 'assistant', content: first.content },
    {
      role: 'user',
      content: callsOf(first).map((c) => ({
        type: 'tool_result' as const,
        tool_use_id: c.id,
        content: result,
      })),
    },
  ];
}

describe('client tools across conversations', () => {
  it('keeps concurrent suspended conversations apart, and resumes the session afterwards', async () => {
    const [a, b] = await Promise.all([
      client.messages.create({
        model,
        max_tokens: 300,
        tools,
        messages: [{ role: 'user', content: 'Conversation A' }],
      }),
      client.messages.create({
        model,
        max_tokens: 300,
        tools,
        messages: [{ role: 'user', content: 'Conversation B' }],
      }),
    ]);
    expect(callsOf(a)[0]?.id).not.toBe(callsOf(b)[0]?.id);
    // Answer B first: each result must reach its own run.
    const bDone = await client.messages.create({
      model,
      max_tokens: 300,
      tools,
      messages: answer('Conversation B', b, 'for B'),
    });
    const aDone = await client.messages.create({
      model,
      max_tokens: 300,
      tools,
      messages: answer('Conversation A', a, 'for A'),
    });
    expect(bDone.content[0]).toMatchObject({ text: 'Final: for B' });
    expect(aDone.content[0]).toMatchObject({ text: 'Final: for A' });

    // The finished tool loop is a known conversation: the next question goes to the CLI process
    // that answered it (kept for the next turn; without it the session would be resumed).
    api.enqueue({ kind: 'text', text: 'follow-up answer' });
    const history: Anthropic.MessageParam[] = [
      ...answer('Conversation A', a, 'for A'),
      { role: 'assistant', content: aDone.content },
      { role: 'user', content: 'And tomorrow?' },
    ];
    const { data: next, response } = await client.messages
      .create({ model, max_tokens: 300, tools, messages: history })
      .withResponse();
    expect(next.content[0]).toMatchObject({ text: 'follow-up answer' });
    expect(response.headers.get('x-claude-code-context')).toBe('continued');
    // The API got the real history from the session: tool_use and tool_result blocks, not text.
    const sent = bodyOf(api.messageRequests().at(-1)).messages;
    expect(JSON.stringify(sent)).toContain('"type":"tool_use"');
    expect(allToolResults(api.messageRequests().at(-1)).map(resultText)).toEqual(['for A']);
  });

  it('frees a suspended run at its deadline and replays a late result from history', async () => {
    const first = await client.messages.create({
      model,
      max_tokens: 300,
      tools,
      messages: [{ role: 'user', content: 'Abandoned' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    api.enqueue({ kind: 'text', text: 'replayed' });
    const { data, response } = await client.messages
      .create({ model, max_tokens: 300, tools, messages: answer('Abandoned', first, 'too late') })
      .withResponse();
    expect(data.content[0]).toMatchObject({ text: 'replayed' });
    expect(response.headers.get('x-claude-code-context')).toBe('synthesized');
    expect(response.headers.get('x-claude-code-warnings')).toContain('no longer pending');
    // Replayed as the turns they were: the call and the late result as blocks, the client tool
    // offered again, and the CLI's closing of the unanswered turn before the continuation note.
    const replay = bodyOf(api.messageRequests().at(-1));
    const turns = replay.messages.filter((m) => m.role !== 'system');
    expect(turns.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(JSON.stringify(turns[1])).toContain('"type":"tool_use"');
    expect(allToolResults(api.messageRequests().at(-1)).map(resultText)).toEqual(['too late']);
    expect(JSON.stringify(turns[3])).toContain('No response requested.');
    expect(JSON.stringify(turns[4])).toContain('The tool results above answer your tool calls');
    expect(JSON.stringify(replay.tools)).toContain('get_weather');
  });
});
