/**
 * Client tools named like Claude Code's own tools (`Bash`, `StructuredOutput`,
 * `DeferredToolPlaceholder`) are the caller's tools: the model sees them namespaced
 * (`mcp__ccw_client_tools__Bash`), the caller gets its own name back, on both APIs, streamed or not.
 * First with the fake CLI, then one round trip with the real CLI against the fake Messages API.
 */
import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { callerToolName, modelToolName } from '../../src/tools/client-tool.js';
import type { RecordedRequest } from '../fixtures/fake-api.mjs';
import { startFakeApi } from '../fixtures/fake-api.mjs';
import type { FakeClaudeScenario } from '../fixtures/fake-claude-helpers.mjs';
import { makeCliEnv, realClaudeBinary } from '../fixtures/real-cli.mjs';
import { createServer } from '../../src/http/server.js';
import { useFakeAnthropicClient } from './fake-client.js';
import { CITY_SCHEMA, offeredTools, resultText, toolResultsOf } from './real-cli-helpers.js';

const NAMESPACED_BASH = 'mcp__ccw_client_tools__Bash';
const schema = { type: 'object' as const, properties: { command: { type: 'string' } } };
const tools: Anthropic.Tool[] = [
  { name: 'Bash', description: 'Runs on the caller', input_schema: schema },
  { name: 'StructuredOutput', description: 'Caller tool', input_schema: schema },
  { name: 'DeferredToolPlaceholder', description: 'Caller tool', input_schema: schema },
];

describe('modelToolName / callerToolName', () => {
  it('namespaces only Claude Code tool names and maps them back', () => {
    expect(modelToolName('get_weather')).toBe('get_weather');
    expect(modelToolName('Bash')).toBe(NAMESPACED_BASH);
    expect(callerToolName(NAMESPACED_BASH)).toBe('Bash');
    expect(callerToolName('Bash')).toBeUndefined();
    expect(callerToolName('get_weather')).toBe('get_weather');
    // A caller's name that already has the prefix round-trips too.
    const odd = 'mcp__ccw_client_tools__x';
    expect(callerToolName(modelToolName(odd))).toBe(odd);
  });
});

describe('client tools with Claude Code names, fake CLI', () => {
  const setup = useFakeAnthropicClient();
  const scenario: FakeClaudeScenario = {
    default: { kind: 'reply', clientToolCalls: [{ name: NAMESPACED_BASH, input: { command: 'ls' } }] },
  };

  it('accepts them, lists them namespaced, answers with the caller’s name and continues', async () => {
    const { client, fake } = await setup(scenario);
    const ask = (messages: Anthropic.MessageParam[]) =>
      client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 100, tools, messages });
    const first = await ask([{ role: 'user', content: 'list files' }]);
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(call).toMatchObject({ name: 'Bash', input: { command: 'ls' } });
    const second = await ask([
      { role: 'user', content: 'list files' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: 'a.txt' }] },
    ]);
    expect(second.content[0]).toMatchObject({ type: 'text', text: 'client tool results: a.txt' });

    const run = fake.invocations().find((i) => !i.argv.includes('--version'));
    const listed = JSON.stringify(run?.stdin ?? []);
    expect(listed).toContain(`"name":"${NAMESPACED_BASH}"`);
    expect(listed).toContain('"name":"mcp__ccw_client_tools__StructuredOutput"');
    expect(listed).toContain('"name":"mcp__ccw_client_tools__DeferredToolPlaceholder"');
  });

  it('streams the tool_use block under the caller’s name', async () => {
    const { client } = await setup(scenario);
    const stream = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      tools,
      stream: true,
      messages: [{ role: 'user', content: 'list files' }],
    });
    const starts: unknown[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
        starts.push(event.content_block);
      }
    }
    expect(starts).toEqual([expect.objectContaining({ type: 'tool_use', name: 'Bash' })]);
  });

  it('names a past call of the caller’s Bash as the model sees it in a synthesized history', async () => {
    const { client, fake } = await setup({ default: { kind: 'reply', text: 'ok' } });
    await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_old_1', name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_old_1', content: 'a.txt' }] },
        { role: 'assistant', content: 'There is a.txt.' },
        { role: 'user', content: 'thanks' },
      ],
    });
    const run = fake.invocations().find((i) => !i.argv.includes('--version'));
    const argv = run?.argv ?? [];
    const transcript = readFileSync(
      join(
        run?.env['HOME'] ?? '/nonexistent',
        '.claude',
        'projects',
        '-claude-code-wrapper-synthetic',
        `${argv[argv.indexOf('--resume') + 1]}.jsonl`,
      ),
      'utf8',
    );
    expect(transcript).toContain(`"name":"${NAMESPACED_BASH}"`);
  });

  it('gives a system message after the tool results to the continued run with the results', async () => {
    const { client } = await setup(scenario);
    const ask = (messages: Anthropic.MessageParam[]) =>
      client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 100, tools, messages });
    const first = await ask([{ role: 'user', content: 'list files' }]);
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    const second = await ask([
      { role: 'user', content: 'list files' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: 'a.txt' }] },
      { role: 'system', content: 'LATE-RULE' } as unknown as Anthropic.MessageParam,
    ]);
    const text = second.content[0]?.type === 'text' ? second.content[0].text : '';
    expect(text).toContain('client tool results: a.txt');
    expect(text).toContain('<system-reminder>\nLATE-RULE\n</system-reminder>');
  });

  it('accepts them with the built-in tools on, too', async () => {
    const { client } = await setup(scenario, { allowedTools: ['Bash'] });
    const first = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      tools,
      messages: [{ role: 'user', content: 'list files' }],
    });
    expect(first.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'Bash' });
  });
});

describe('a client tool named Bash, real CLI through the proxy', () => {
  it('round trips on the Anthropic and the OpenAI API', async () => {
    // The fake API calls the namespaced tool while it is offered and no result came back yet.
    const api = await startFakeApi({
      default: (request: RecordedRequest) => {
        const results = toolResultsOf(request);
        if (results.length > 0) return { kind: 'text', text: `Final: ${resultText(results[0])}` };
        if (!offeredTools(request).includes(NAMESPACED_BASH)) return { kind: 'text' };
        return { kind: 'tool_use', name: NAMESPACED_BASH, input: { city: 'Paris' }, text: 'Running.' };
      },
    });
    const cli = await makeCliEnv(api.url);
    const server = createServer({
      port: 0,
      sessionStorePath: ':memory:',
      wrapper: { claudeBinary: realClaudeBinary(), env: cli.env, cliMaxRetries: 0, logLevel: 'silent' },
    });
    const { url } = await server.listen();
    try {
      const anthropic = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
      const model = 'claude-sonnet-5-5';
      const bash: Anthropic.Tool[] = [
        { name: 'Bash', description: 'Caller bash', input_schema: CITY_SCHEMA },
      ];
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await anthropic.messages
        .stream({ model, max_tokens: 500, tools: bash, messages })
        .finalMessage();
      expect(first.stop_reason).toBe('tool_use');
      const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      expect(call).toMatchObject({ name: 'Bash', input: { city: 'Paris' } });
      const second = await anthropic.messages.create({
        model,
        max_tokens: 500,
        tools: bash,
        messages: [
          ...messages,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: 'sunny' }] },
        ],
      });
      expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: 'Final: sunny' })]);
      const upstream = api.messageRequests()[0];
      expect(offeredTools(upstream)).toContain(NAMESPACED_BASH);

      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const completion = await openai.chat.completions.create({
        model,
        tools: [{ type: 'function', function: { name: 'Bash', parameters: CITY_SCHEMA } }],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      const toolCall = completion.choices[0]?.message.tool_calls?.[0];
      expect(toolCall?.type === 'function' ? toolCall.function.name : undefined).toBe('Bash');
    } finally {
      await server.close();
      await api.close();
      await cli.cleanup();
    }
  }, 120_000);
});
