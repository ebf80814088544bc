/**
 * Client tools through the library's `ClaudeCodeAnthropic`, with the real CLI and the fake API.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeCodeAnthropic } from '../../src/sdk-client/client.js';
import { liveChildCount } from '../../src/process/child-registry.js';
import { eventually } from '../integration/helpers.js';
import type { FakeApi } from '../fixtures/fake-api.mjs';
import type { CliEnv } from '../fixtures/real-cli.mjs';
import {
  CITY_SCHEMA,
  offeredTools,
  realCliConfig,
  resultText,
  startToolLoopApi,
  toolResultsOf,
} from './real-cli-helpers.js';

let api: FakeApi;
let cli: CliEnv;
let close: () => Promise<void>;
let client: ClaudeCodeAnthropic;

const tools: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Current weather for a city', input_schema: CITY_SCHEMA },
];

beforeAll(async () => {
  ({ api, cli, close } = await startToolLoopApi());
  client = new ClaudeCodeAnthropic({ ...realCliConfig(cli) });
});
afterAll(async () => {
  await client.wrapper.close();
  await close();
});
beforeEach(() => api.requests.splice(0));

describe('ClaudeCodeAnthropic with client tools', () => {
  it('returns the tool call, then continues the same run with the result', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 500,
      tools,
      messages,
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect(call?.type === 'tool_use' && call.id).toMatch(/^toolu_/);
    expect(first.content[0]).toMatchObject({ type: 'text', text: 'Let me check.' });
    // The model saw the caller's tool, unprefixed, with the caller's schema.
    const offered = api.messageRequests()[0];
    expect(offeredTools(offered)).toEqual(['get_weather']);
    const body = offered?.body as { tools: { name: string; description: string; input_schema: unknown }[] };
    expect(body.tools.find((t) => t.name === 'get_weather')).toMatchObject({
      description: 'Current weather for a city',
      input_schema: CITY_SCHEMA,
    });

    messages.push({ role: 'assistant', content: first.content });
    messages.push({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: call?.type === 'tool_use' ? call.id : '',
          content: 'Sunny, 22 C',
        },
      ],
    });
    const second = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 500,
      tools,
      messages,
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: 'Final: Sunny, 22 C' })]);
    const results = toolResultsOf(api.messageRequests().at(-1));
    expect(results).toHaveLength(1);
    expect(resultText(results[0])).toBe('Sunny, 22 C');
    expect(api.messageRequests()).toHaveLength(2);
  });
});

describe('ClaudeCodeAnthropic: streaming, tool_choice and deadlines', () => {
  it('streams a tool call in-process with messages.stream()', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-5-5',
      max_tokens: 500,
      tools,
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    const jsonSnapshots: unknown[] = [];
    stream.on('inputJson', (_partial, snapshot) => jsonSnapshots.push(snapshot));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const call = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(call?.input).toEqual({ city: 'Paris' });
    expect(jsonSnapshots.at(-1)).toEqual({ city: 'Paris' });
    // Finish the run instead of leaving it to its deadline.
    const done = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 500,
      tools,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: 'hail' }] },
      ],
    });
    expect(done.content[0]).toMatchObject({ text: 'Final: hail' });
  });

  it('asks for the forced tool in the new turn (tool_choice tool is approximated)', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 500,
      tools,
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    const sent = JSON.stringify(api.messageRequests()[0]?.body);
    expect(sent).toContain('Respond by calling the tool \\"get_weather\\" exactly once');
    const call = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 500,
      tools,
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: 'ok' }] },
      ],
    });
  });

  it('frees an abandoned run at its deadline; a late result is replayed from history, or rejected', async () => {
    const config = { ...realCliConfig(cli), toolResultTimeoutMs: 1000 };
    const replaying = new ClaudeCodeAnthropic(config);
    const rejecting = new ClaudeCodeAnthropic({
      ...config,
      wrapper: replaying.wrapper,
      expiredToolResults: 'reject',
    });
    try {
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await replaying.messages.create({
        model: 'claude-sonnet-5-5',
        max_tokens: 500,
        tools,
        messages,
      });
      const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      const waiting = liveChildCount();
      expect(waiting).toBeGreaterThan(0);
      // The suspended run holds its process until the deadline, then the process is killed.
      expect(await eventually(() => liveChildCount() < waiting, 6000, 50)).toBe(true);
      messages.push({ role: 'assistant', content: first.content });
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: 'late' }],
      });

      await expect(
        rejecting.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 500, tools, messages }),
      ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('no longer pending') });

      api.enqueue({ kind: 'text', text: 'Answer from the replayed history' });
      const replayed = await replaying.messages.create({
        model: 'claude-sonnet-5-5',
        max_tokens: 500,
        tools,
        messages,
      });
      expect(replayed.content[0]).toMatchObject({ text: 'Answer from the replayed history' });
      // The model got the history, the call and the late result as the blocks they were.
      const sent = JSON.stringify(api.messageRequests().at(-1)?.body);
      expect(sent).toContain(`"type":"tool_use","id":"${call?.id ?? ''}"`);
      expect(sent).toContain(
        `"type":"tool_result","tool_use_id":"${call?.id ?? ''}","content":[{"type":"text","text":"late"}]`,
      );
    } finally {
      await replaying.wrapper.close();
    }
  });
});
