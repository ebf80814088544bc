/**
 * Runs suspended on client tool calls and the proxy's concurrency limit, with the fake CLI: a
 * suspended run keeps its request's slot only while no other request needs it (then it is stopped,
 * and a late result is answered from the history), the request that continues it takes the slot
 * over, and a call the caller never answers (Claude Code's `StructuredOutput`) keeps no CLI at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeClaudeScenario } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, isRunning, startHarness, type Harness } from '../support/index.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const weather = {
  name: 'get_weather',
  description: 'Weather',
  input_schema: { type: 'object', properties: {} },
};
const question = { role: 'user', content: 'weather in Oslo?' };

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    content: { type: string; id?: string; name?: string; text?: string; input?: unknown }[];
    stop_reason: string;
  };
}

async function post(body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${harness?.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 100, ...body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

/** The request that answers `first`'s tool call with `result`. */
function toolResult(first: Answer, result: string, tools: unknown[] = [weather]): Record<string, unknown> {
  const call = first.body.content.find((b) => b.type === 'tool_use');
  return {
    tools,
    messages: [
      question,
      { role: 'assistant', content: first.body.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id, content: result }] },
    ],
  };
}

/** Pids of the CLI processes that got a prompt, in start order. */
function runPids(): number[] {
  return (harness?.fake.invocations() ?? [])
    .filter((i) => i.stdin.some((line) => (line as { type?: string }).type === 'user'))
    .map((i) => i.pid);
}

const callsWeather: FakeClaudeScenario['default'] = {
  kind: 'reply',
  clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
};

describe('suspended runs and the concurrency limit', () => {
  it('gives a waiting run’s slot to a new request and answers its late result from the history', async () => {
    harness = await startHarness(
      {
        byInvocation: [
          callsWeather,
          { kind: 'reply', text: 'plain answer' },
          { kind: 'reply', text: 'replayed' },
        ],
      },
      { maxConcurrent: 1, maxQueue: 0 },
    );
    const first = await post({ tools: [weather], messages: [question] });
    expect(first.body.stop_reason).toBe('tool_use');
    const [suspended] = runPids();
    expect(isRunning(suspended ?? 0)).toBe(true);

    // The only slot is held by the suspended run: a new request takes it instead of getting a 529.
    const other = await post({ messages: [{ role: 'user', content: 'something else' }] });
    expect(other.status).toBe(200);
    expect(other.body.content).toEqual([{ type: 'text', text: 'plain answer' }]);
    expect(await eventually(() => !isRunning(suspended ?? 0), 3000)).toBe(true);

    // The caller comes back with its result: answered from the history, with a warning saying why.
    const late = await post(toolResult(first, 'Oslo: mild'));
    expect(late.status).toBe(200);
    expect(late.body.content).toEqual([{ type: 'text', text: 'replayed' }]);
    expect(late.headers.get('x-claude-code-context')).not.toBe('continued');
    expect(late.headers.get('x-claude-code-warnings')).toContain(
      'another request needed its concurrency slot',
    );
  });

  it('hands the slot to the request that continues the run', async () => {
    harness = await startHarness({ default: callsWeather }, { maxConcurrent: 1, maxQueue: 0 });
    const first = await post({ tools: [weather], messages: [question] });
    const second = await post(toolResult(first, 'Oslo: mild'));
    expect(second.status).toBe(200);
    expect(second.headers.get('x-claude-code-context')).toBe('continued');
    expect(second.body.content).toEqual([{ type: 'text', text: 'client tool results: Oslo: mild' }]);
    expect(runPids()).toHaveLength(1);
    // The slot was released with the answer: the next request is admitted.
    const third = await post({ tools: [weather], messages: [question] });
    expect(third.status).toBe(200);
  });

  it('keeps no CLI waiting for a StructuredOutput result the caller never sends', async () => {
    // Claude Code's --json-schema: its StructuredOutput is a client tool, and its run ends at the call.
    const structuredOutput = {
      name: 'StructuredOutput',
      description: 'Return the answer',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
    };
    harness = await startHarness({
      byInvocation: [
        {
          kind: 'reply',
          clientToolCalls: [{ name: 'mcp__ccw_client_tools__StructuredOutput', input: { city: 'Lyon' } }],
        },
        { kind: 'reply', text: 'replayed' },
      ],
    });
    const first = await post({ tools: [structuredOutput], messages: [question] });
    expect(first.body.stop_reason).toBe('tool_use');
    expect(first.body.content).toContainEqual(
      expect.objectContaining({ type: 'tool_use', name: 'StructuredOutput', input: { city: 'Lyon' } }),
    );
    // Stopped now, not at toolResultTimeoutMs (5 min).
    const [pid] = runPids();
    expect(await eventually(() => !isRunning(pid ?? 0), 3000)).toBe(true);

    // Should a result come after all (Claude Code sends one when the input failed its schema), it is
    // answered from the history.
    const late = await post(toolResult(first, 'invalid: try again', [structuredOutput]));
    expect(late.status).toBe(200);
    expect(late.body.content).toEqual([{ type: 'text', text: 'replayed' }]);
    expect(late.headers.get('x-claude-code-warnings')).toContain('StructuredOutput');
  });
});
