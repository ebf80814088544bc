/**
 * Unit tests: Anthropic tool translation (tools, tool_choice, tool results) and the stream writer's
 * tool_use blocks and suspension.
 */
import { describe, expect, it } from 'vitest';
import { planClientTools, toolChoiceInstruction } from '../../src/compat/anthropic/client-tools.js';
import { parseMessagesRequest, type MessagesRequest } from '../../src/compat/anthropic/request-schema.js';
import { StreamEventWriter } from '../../src/compat/anthropic/stream-event-writer.js';
import { readToolResults, resultsForDelivery } from '../../src/compat/anthropic/tool-results.js';
import { translateRequest } from '../../src/compat/anthropic/translate-request.js';
import type { CliMessage } from '../../src/core/cli-message.js';
import type { ClaudeEvent } from '../../src/core/events.js';
import type { ClaudeCodeResponse } from '../../src/core/response.js';
import { messageToEvents } from '../../src/core/message-to-events.js';

const schema = { type: 'object', properties: { q: { type: 'string' } } };

function request(fields: Record<string, unknown>): MessagesRequest {
  return parseMessagesRequest({
    model: 'claude-sonnet-5-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hi' }],
    ...fields,
  }).request;
}

function plan(fields: Record<string, unknown>, options = {}) {
  const warnings: string[] = [];
  return { plan: planClientTools(request(fields), options, warnings), warnings };
}

function statusOf(action: () => unknown): { status?: number; message?: string } {
  try {
    action();
  } catch (error) {
    return error as { status?: number; message?: string };
  }
  return {};
}

describe('planClientTools', () => {
  it('serves custom tools unchanged, with auto as the default choice', () => {
    const { plan: p } = plan({ tools: [{ name: 'search', description: 'Search', input_schema: schema }] });
    expect(p?.tools).toEqual([{ name: 'search', description: 'Search', inputSchema: schema }]);
    expect(p?.choice).toBe('auto');
    expect(p?.instruction).toBeUndefined();
  });

  it('serves no tools for tool_choice none, but still knows their names', () => {
    const { plan: p } = plan({
      tools: [{ name: 'search', input_schema: schema }],
      tool_choice: { type: 'none' },
    });
    expect(p?.tools).toEqual([]);
    expect([...(p?.names ?? [])]).toEqual(['search']);
  });

  it('approximates any, tool and disable_parallel_tool_use with an instruction', () => {
    const tools = [{ name: 'search', input_schema: schema }];
    expect(plan({ tools, tool_choice: { type: 'any' } }).plan?.instruction).toBe(
      '<system-reminder>Respond by calling one or more of the available tools, not with text alone.</system-reminder>',
    );
    expect(plan({ tools, tool_choice: { type: 'tool', name: 'search' } }).plan?.instruction).toContain(
      'Respond by calling the tool "search", not with text alone.',
    );
    expect(toolChoiceInstruction('auto', true)).toContain('Call at most one tool');
    expect(toolChoiceInstruction('any', true)).toContain('exactly one');
    expect(toolChoiceInstruction('none', true)).toBeUndefined();
  });

  it('puts the instruction in the new turn, not the system prompt', () => {
    const parsed = parseMessagesRequest({
      model: 'm',
      max_tokens: 10,
      system: 'Be brief.',
      tools: [{ name: 'search', input_schema: schema }],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const t = translateRequest(parsed);
    expect(t.prompt.at(-1)).toEqual({ type: 'text', text: expect.stringContaining('Respond by calling') });
    expect(t.runOptions.systemPrompt).toBe('Be brief.');
    expect(t.warnings).toEqual([]);
  });

  it('refuses invalid tools the way the API does', () => {
    expect(statusOf(() => plan({ tools: [{ name: 'x' }] }))).toMatchObject({
      status: 400,
      message: 'tools.0.input_schema: Field required',
    });
    expect(
      statusOf(() => plan({ tools: [{ name: 'x', input_schema: { type: 'string' } }] })).message,
    ).toMatch(/input_schema.type/);
    expect(statusOf(() => plan({ tools: [{ name: 'bad name', input_schema: schema }] })).status).toBe(400);
    expect(
      statusOf(() =>
        plan({
          tools: [
            { name: 'a', input_schema: schema },
            { name: 'a', input_schema: schema },
          ],
        }),
      ).message,
    ).toMatch(/unique/);
    expect(
      statusOf(() =>
        plan({ tools: [{ name: 'a', input_schema: schema }], tool_choice: { type: 'tool', name: 'b' } }),
      ).message,
    ).toMatch(/no tool named "b"/);
    expect(statusOf(() => plan({ tool_choice: { type: 'any' } })).message).toMatch(
      /only be specified while providing tools/,
    );
  });

  it("accepts names of Claude Code's own tools, with the built-in tools on or off", () => {
    for (const name of ['Read', 'Bash', 'StructuredOutput', 'DeferredToolPlaceholder']) {
      const tools = [{ name, input_schema: schema }];
      expect(plan({ tools }).plan?.tools).toEqual([expect.objectContaining({ name })]);
      expect(plan({ tools }, { allowCliTools: true }).plan?.tools).toEqual([
        expect.objectContaining({ name }),
      ]);
    }
  });

  it('asks for a namespaced tool by the name the model sees', () => {
    const tools = [{ name: 'Bash', input_schema: schema }];
    const { plan: p } = plan({ tools, tool_choice: { type: 'tool', name: 'Bash' } });
    expect(p?.instruction).toContain('"mcp__ccw_client_tools__Bash"');
  });

  it('ignores server tools with a warning, or rejects them in strict mode', () => {
    const tools = [{ type: 'web_search_20250305', name: 'web_search' }];
    const { plan: p, warnings } = plan({ tools });
    expect(p).toBeUndefined();
    expect(warnings[0]).toMatch(/^tools.0: tool type "web_search_20250305".*; ignored$/);
    expect(statusOf(() => plan({ tools }, { strict: true })).status).toBe(400);
  });
});

describe('tool results', () => {
  const turn = request({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'one' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            is_error: true,
            content: [
              { type: 'text', text: 'two' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            ],
          },
          { type: 'text', text: 'also this' },
        ],
      },
    ],
  }).messages[0]!;

  it('reads string and block content, is_error and the text sent next to them', () => {
    const read = readToolResults(turn);
    expect(read?.ids).toEqual(['toolu_1', 'toolu_2']);
    expect(read?.results.get('toolu_1')).toEqual({
      content: [{ type: 'text', text: 'one' }],
      isError: false,
    });
    expect(read?.results.get('toolu_2')).toEqual({
      content: [
        { type: 'text', text: 'two' },
        { type: 'image', mediaType: 'image/png', data: 'AAAA' },
      ],
      isError: true,
    });
    expect(read?.extra).toEqual([{ type: 'text', text: 'also this' }]);
  });

  it('delivers extra text and the tool_choice instruction with the last call the run waits for', () => {
    const read = readToolResults(turn)!;
    const delivered = resultsForDelivery(read, ['toolu_2', 'toolu_1'], 'INSTRUCTION');
    expect(delivered.get('toolu_1')?.content).toEqual([
      { type: 'text', text: 'one' },
      { type: 'text', text: 'also this' },
      { type: 'text', text: 'INSTRUCTION' },
    ]);
    expect(delivered.get('toolu_2')?.content).toHaveLength(2);
  });

  it('has none for a plain user turn', () => {
    expect(readToolResults(request({}).messages[0]!)).toBeUndefined();
  });
});

/** Stream events of one model message as the CLI prints them, turned into ClaudeEvents. */
function cliMessage(
  blocks: ({ text: string } | { id: string; name: string; json: string })[],
  stopReason: string,
  usage: { id: string; input: number; output: number } = { id: 'msg_x', input: 40, output: 9 },
): ClaudeEvent[] {
  const line = (event: Record<string, unknown>): CliMessage => ({
    type: 'stream_event',
    event,
    parent_tool_use_id: null,
    api_message_id: usage.id,
  });
  const lines: CliMessage[] = [
    line({ type: 'message_start', message: { id: usage.id, usage: { input_tokens: usage.input } } }),
  ];
  blocks.forEach((block, index) => {
    if ('text' in block) {
      lines.push(line({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      lines.push(
        line({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } }),
      );
    } else {
      lines.push(
        line({
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      for (const part of [block.json.slice(0, 3), block.json.slice(3)]) {
        lines.push(
          line({
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: part },
          }),
        );
      }
    }
    lines.push(line({ type: 'content_block_stop', index }));
  });
  lines.push(
    line({
      type: 'message_delta',
      delta: { stop_reason: stopReason },
      usage: { output_tokens: usage.output },
    }),
  );
  lines.push(line({ type: 'message_stop' }));
  return lines.flatMap(messageToEvents);
}

describe('StreamEventWriter with client tools', () => {
  it('writes client tool_use blocks with input_json_delta and suspends at stop_reason tool_use', () => {
    const writer = new StreamEventWriter({ model: 'm', clientTools: new Set(['search']) });
    const events = cliMessage(
      [
        { text: 'Looking.' },
        { id: 'toolu_1', name: 'search', json: '{"q":"x"}' },
        { id: 'toolu_2', name: 'Bash', json: '{}' },
      ],
      'tool_use',
    ).flatMap((e) => writer.write(e));
    expect(writer.suspendedOn).toEqual(['toolu_1']);
    const closing = writer.finish(undefined);
    const all = [...events, ...closing];
    expect(all.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(all[4]).toMatchObject({
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'search', input: {} },
    });
    expect(all[8]).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { input_tokens: 40, output_tokens: 9 },
    });
  });

  it('does not suspend for calls of built-in tools only', () => {
    const writer = new StreamEventWriter({ model: 'm', clientTools: new Set(['search']) });
    cliMessage([{ id: 'toolu_9', name: 'Bash', json: '{}' }], 'tool_use').forEach((e) => writer.write(e));
    expect(writer.suspendedOn).toBeUndefined();
  });

  it('reports the usage of every API message up to the suspension', () => {
    const writer = new StreamEventWriter({ model: 'm', clientTools: new Set(['search']) });
    // A built-in tool round first, then the client call: two API calls in this answer.
    cliMessage([{ id: 'toolu_8', name: 'Bash', json: '{}' }], 'tool_use', {
      id: 'msg_a',
      input: 40,
      output: 9,
    })
      .concat(
        cliMessage([{ id: 'toolu_9', name: 'search', json: '{}' }], 'tool_use', {
          id: 'msg_b',
          input: 55,
          output: 4,
        }),
      )
      .forEach((e) => writer.write(e));
    expect(writer.suspendedOn).toEqual(['toolu_9']);
    expect(writer.finish(undefined)).toContainEqual(
      expect.objectContaining({
        type: 'message_delta',
        usage: expect.objectContaining({ input_tokens: 95, output_tokens: 13 }),
      }),
    );
  });

  it("reports a continued answer's own API messages, not the whole run's result", () => {
    const writer = new StreamEventWriter({ model: 'm', clientTools: new Set(['search']), continued: true });
    // The tail of the message that suspended the run is not this answer's.
    const tail = cliMessage([{ id: 'toolu_1', name: 'search', json: '{}' }], 'tool_use').slice(-2);
    [...tail, ...cliMessage([{ text: 'done' }], 'end_turn', { id: 'msg_y', input: 60, output: 5 })].forEach(
      (e) => writer.write(e),
    );
    // The CLI's result covers both API calls of the run (40 + 60 in, 9 + 5 out).
    const metrics = {
      inputTokens: 100,
      outputTokens: 14,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
    };
    const closing = writer.finish({ metrics } as unknown as ClaudeCodeResponse);
    expect(closing).toContainEqual(
      expect.objectContaining({
        type: 'message_delta',
        usage: expect.objectContaining({ input_tokens: 60, output_tokens: 5 }),
      }),
    );
    // A run answered in one piece reports the result's metrics, as before.
    const whole = new StreamEventWriter({ model: 'm' });
    cliMessage([{ text: 'done' }], 'end_turn').forEach((e) => whole.write(e));
    expect(whole.finish({ metrics } as unknown as ClaudeCodeResponse)).toContainEqual(
      expect.objectContaining({
        type: 'message_delta',
        usage: expect.objectContaining({ input_tokens: 100, output_tokens: 14 }),
      }),
    );
  });

  it('skips the tail of the suspending message when continuing', () => {
    const writer = new StreamEventWriter({
      model: 'm',
      clientTools: new Set(['search']),
      continued: true,
    });
    const tail: ClaudeEvent = {
      type: 'assistant_message',
      content: [{ type: 'text', text: 'old' }],
      text: 'old',
      isApiError: false,
      parentToolUseId: null,
      message: { type: 'assistant', parent_tool_use_id: null },
    };
    expect(writer.write(tail)).toEqual([]);
    const events = cliMessage([{ text: 'new answer' }], 'end_turn').flatMap((e) => writer.write(e));
    expect(events.filter((e) => e.type === 'content_block_delta')).toEqual([
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'new answer' } },
    ]);
  });
});
