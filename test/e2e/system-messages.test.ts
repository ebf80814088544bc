/**
 * `role: "system"` messages inside `messages` (the current Messages API), real CLI through the proxy
 * against the fake Messages API: a trailing one (as Claude Code sends it) and one between turns reach
 * the model, and a rebuilt history carries no empty system message.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/http/server.js';
import { startFakeApi, type FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';

let api: FakeApi;
let cli: CliEnv;
let client: Anthropic;
let close: () => Promise<void>;

beforeAll(async () => {
  api = await startFakeApi();
  cli = await makeCliEnv(api.url);
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    // Later turns resume their session (the path whose system prompt is fixed by the transcript);
    // conversation-affinity.test.ts checks that a kept process sends the same.
    conversationProcesses: 0,
    wrapper: { claudeBinary: realClaudeBinary(), env: cli.env, cliMaxRetries: 0, logLevel: 'silent' },
  });
  const { url } = await server.listen();
  client = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
  close = () => server.close();
});
afterAll(async () => {
  await close();
  await api.close();
  await cli.cleanup();
});

interface Body {
  system?: { text: string }[] | string;
  messages: { role: string; content: unknown }[];
}
const model = 'claude-sonnet-5-5';
const systemParam = (text: string) =>
  ({ role: 'system', content: text }) as unknown as Anthropic.MessageParam;

function upstream(): Body {
  return api.messageRequests().at(-1)?.body as Body;
}
function systemTexts(body: Body): string {
  return typeof body.system === 'string' ? body.system : (body.system ?? []).map((b) => b.text).join('\n');
}

describe('system messages inside messages', () => {
  it('accepts a trailing system message (Claude Code on its default model) and its text reaches the model', async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hello there' }, systemParam('TRAILING-RULE: answer in French')],
    });
    expect(message.role).toBe('assistant');
    expect(systemTexts(upstream())).toContain('TRAILING-RULE: answer in French');
  });

  it('resumes the session when the next request carries the trailing system message in its history', async () => {
    const first = [{ role: 'user', content: 'remember me' } as Anthropic.MessageParam, systemParam('RULE-A')];
    const answer = await client.messages.create({ model, max_tokens: 100, messages: first });
    const { response } = await client.messages
      .create({
        model,
        max_tokens: 100,
        messages: [
          ...first,
          { role: 'assistant', content: answer.content },
          { role: 'user', content: 'again' },
          systemParam('RULE-B'),
        ],
      })
      .withResponse();
    expect(response.headers.get('x-claude-code-context')).toBe('resumed');
    // On --resume the CLI keeps the session's system prompt: the text rides in the new turn.
    const last = upstream()
      .messages.filter((m) => m.role === 'user')
      .at(-1);
    expect(JSON.stringify(last?.content)).toContain('<system-reminder>\\nRULE-B\\n</system-reminder>');
  });

  it('keeps a mid-history system message as a system turn, and invents no empty one', async () => {
    await client.messages.create({
      model,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'u1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'u2' },
        systemParam('MID-RULE: be brief'),
        { role: 'assistant', content: 'a2' },
        { role: 'user', content: 'u3' },
        systemParam('TRAIL-SYN'),
      ],
    });
    // A synthesized session has no prompt snapshot: the run's system prompt applies.
    expect(systemTexts(upstream())).toContain('TRAIL-SYN');
    const { messages } = upstream();
    const systems = messages.filter((m) => m.role === 'system');
    for (const m of systems) {
      expect(m.content === '' || (Array.isArray(m.content) && m.content.length === 0)).toBe(false);
    }
    const mid = messages.findIndex(
      (m) => m.role === 'system' && JSON.stringify(m.content).includes('MID-RULE'),
    );
    expect(mid).toBeGreaterThan(0);
    expect(messages[mid - 1]?.role).toBe('user');
    expect(messages[mid + 1]?.role).toBe('assistant');
  });

  it('invents no empty system message for a plain multi-turn history', async () => {
    await client.messages.create({
      model,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'x1' },
        { role: 'assistant', content: 'y1' },
        { role: 'user', content: 'x2' },
        { role: 'assistant', content: 'y2' },
        { role: 'user', content: 'x3' },
      ],
    });
    const { messages } = upstream();
    expect(messages.filter((m) => m.role !== 'system').map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(JSON.stringify(messages)).not.toContain('"role":"system","content":[]');
    for (const m of messages.filter((m) => m.role === 'system')) {
      expect(Array.isArray(m.content) ? m.content.length : String(m.content).length).toBeGreaterThan(0);
    }
  });

  it('names the real problem for a prefill, even before a trailing system message', async () => {
    const error = await client.messages
      .create({
        model,
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'The answer is (' },
          systemParam('s'),
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toMatch(
      /messages\.1\.role: the conversation ends with an assistant message \(prefill\)/,
    );
  });
});
