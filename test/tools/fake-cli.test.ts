/**
 * Client tools against the fake `claude` (which speaks the sdk-MCP control protocol like the real
 * CLI): the suspension pauses the run's timeouts, the deadline kills the process, the stdin
 * protocol, and the warm pool never reuses a process that served client tools.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { ClaudeCodeAnthropic } from '../../src/sdk-client/client.js';
import { CLIENT_TOOL_SERVER } from '../../src/tools/tool-bridge.js';
import type { FakeClaudeScenario } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, isRunning } from '../integration/helpers.js';
import { useFakeAnthropicClient } from './fake-client.js';

const tools: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
];
const setup = useFakeAnthropicClient();

const oneCall: FakeClaudeScenario = {
  default: { kind: 'reply', clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
};

async function ask(client: ClaudeCodeAnthropic, messages: Anthropic.MessageParam[]) {
  return client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 100, tools, messages });
}

function continuation(first: Anthropic.Message, result: string): Anthropic.MessageParam[] {
  const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
  return [
    { role: 'user', content: 'weather?' },
    { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: result }] },
  ];
}

describe('client tools with the fake CLI', () => {
  it('registers the server before the prompt and answers the held call on the next request', async () => {
    const { client, fake } = await setup(oneCall);
    const first = await ask(client, [{ role: 'user', content: 'weather?' }]);
    expect(first.stop_reason).toBe('tool_use');
    const second = await ask(client, continuation(first, 'mild'));
    expect(second.content[0]).toMatchObject({ type: 'text', text: 'client tool results: mild' });

    const run = fake.invocations().find((i) => !i.argv.includes('--version'));
    expect(run?.argv).toEqual(expect.arrayContaining(['--allowedTools', `mcp__${CLIENT_TOOL_SERVER}`]));
    expect(run?.env['CLAUDE_AGENT_SDK_MCP_NO_PREFIX']).toBe('1');
    const kinds = (run?.stdin ?? []).map((line) => {
      const l = line as { type: string; request?: { subtype?: string } };
      return l.type === 'control_request' ? `request:${l.request?.subtype}` : l.type;
    });
    // `initialize` (the run's system prompt) may come first; the tool server is registered before the prompt.
    expect(kinds.filter((kind) => kind !== 'request:initialize').slice(0, 2)).toEqual([
      'request:mcp_set_servers',
      'user',
    ]);
    // initialize, notifications/initialized, tools/list, tools/call
    expect(kinds.filter((k) => k === 'control_response')).toHaveLength(4);
  });

  it('pauses the run timeouts while it waits for the caller', async () => {
    // Budgets generous enough for a loaded CI machine to start the fake CLI within them; the wait
    // for the caller is longer than both, so only a paused clock lets the run survive it.
    const { client } = await setup(oneCall, { idleTimeoutMs: 1500, timeoutMs: 3000 });
    const first = await ask(client, [{ role: 'user', content: 'weather?' }]);
    await new Promise((resolve) => setTimeout(resolve, 3300));
    const second = await ask(client, continuation(first, 'late but in time'));
    expect(second.content[0]).toMatchObject({ text: 'client tool results: late but in time' });
  });

  it('kills the process of a run nobody answers', async () => {
    const { client, fake } = await setup(oneCall, { toolResultTimeoutMs: 400 });
    await ask(client, [{ role: 'user', content: 'weather?' }]);
    const pid = fake.invocations().find((i) => !i.argv.includes('--version'))?.pid ?? 0;
    expect(isRunning(pid)).toBe(true);
    expect(await eventually(() => !isRunning(pid), 3000)).toBe(true);
  });

  it('retires a pooled process that served client tools instead of reusing it', async () => {
    const { client, fake } = await setup(oneCall, { warmPool: { size: 1, maxUses: 5 } });
    // A launch configuration gets pooled processes from its second request on: the first two loops
    // start cold (the second makes the pool start a process), the third takes the pooled process.
    for (let i = 0; i < 3; i++) {
      const first = await ask(client, [{ role: 'user', content: 'weather?' }]);
      await ask(client, continuation(first, 'ok'));
      if (i > 0) {
        expect(await eventually(() => (client.wrapper.getPoolStats()?.idle ?? 0) >= 1, 3000)).toBe(true);
      }
    }
    const used = fake
      .invocations()
      .filter((i) => i.stdin.some((l) => (l as { type?: string }).type === 'user'));
    expect(used).toHaveLength(3);
    const requestsOf = (invocation: (typeof used)[number] | undefined) =>
      (invocation?.stdin ?? []).flatMap((l) => {
        const line = l as { type?: string; request?: { subtype?: string } };
        return line.type === 'control_request' ? [line.request?.subtype] : [];
      });
    // The pooled process got `initialize` when it was started, then the client tool server.
    const pooled = used.find((i) => requestsOf(i)[0] === 'initialize');
    expect(requestsOf(pooled).slice(0, 2)).toEqual(['initialize', 'mcp_set_servers']);
    // It served one conversation only and was then retired, despite maxUses: 5.
    expect(pooled?.stdin.filter((l) => (l as { type?: string }).type === 'user')).toHaveLength(1);
    expect(await eventually(() => !isRunning(pooled?.pid ?? 0), 3000)).toBe(true);
  });
});
