/**
 * Unit tests: OpenAI tools, tool_calls and tool messages ↔ Anthropic tools, tool_use and tool_result.
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { toAnthropicRequest } from '../../src/compat/openai/to-anthropic.js';
import { toChatCompletion } from '../../src/compat/openai/to-chat-completion.js';
import { toChatCompletionChunks } from '../../src/compat/openai/to-chunks.js';
import { collect, message, replay, usage } from '../compat-openai/anthropic-fixtures.js';

const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters } }];

describe('toAnthropicRequest with tools', () => {
  it('maps function tools and every tool_choice form', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }], tools };
    const plain = toAnthropicRequest(base);
    expect(plain.params.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: parameters },
    ]);
    expect(plain.params.tool_choice).toBeUndefined();
    expect(plain.warnings).toEqual([]);
    expect(toAnthropicRequest({ ...base, tool_choice: 'none' }).params.tool_choice).toEqual({ type: 'none' });
    expect(toAnthropicRequest({ ...base, tool_choice: 'required' }).params.tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: false,
    });
    expect(
      toAnthropicRequest({ ...base, tool_choice: { type: 'function', function: { name: 'get_weather' } } })
        .params.tool_choice,
    ).toEqual({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: false });
    expect(toAnthropicRequest({ ...base, parallel_tool_calls: false }).params.tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
  });

  it('gives a tool without parameters an empty object schema', () => {
    const { params } = toAnthropicRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [{ type: 'function', function: { name: 'now' } }],
    });
    expect(params.tools).toEqual([{ name: 'now', input_schema: { type: 'object', properties: {} } }]);
  });

  it('turns tool_calls into tool_use blocks and tool messages into one user turn of tool_result blocks', () => {
    const { params } = toAnthropicRequest({
      model: 'm',
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rain' }] },
        { role: 'user', content: 'Thanks' },
      ],
    });
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'rain' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('rejects arguments that are not a JSON object, naming the field', () => {
    const attempt = () =>
      toAnthropicRequest({
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
          { role: 'tool', tool_call_id: 'c', content: 'r' },
        ],
      });
    expect(attempt).toThrow(/messages\[1\]\.tool_calls\[0\]\.function\.arguments/);
  });
});

describe('tool calls in OpenAI responses', () => {
  const toolMessage = message(['Checking.'], {
    stop_reason: 'tool_use',
    content: [
      { type: 'text', text: 'Checking.', citations: null },
      {
        type: 'tool_use',
        id: 'toolu_1',
        name: 'get_weather',
        input: { city: 'Paris' },
        caller: { type: 'direct' },
      },
    ],
  });

  it('puts tool_use blocks in message.tool_calls with JSON-string arguments', () => {
    const choice = toChatCompletion(toolMessage, { model: 'm' }).choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message).toEqual({
      role: 'assistant',
      content: 'Checking.',
      refusal: null,
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ],
    });
    const bare = toChatCompletion({ ...toolMessage, content: toolMessage.content.slice(1) }, { model: 'm' });
    expect(bare.choices[0]?.message.content).toBeNull();
  });

  it('streams tool call deltas by tool call index', async () => {
    const start = message([], { stop_reason: null, usage: usage({ output_tokens: 1 }) });
    const events: RawMessageStreamEvent[] = [
      { type: 'message_start', message: start },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: {
          type: 'tool_use',
          id: 'toolu_1',
          name: 'get_weather',
          input: {},
          caller: { type: 'direct' },
        },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"city":' },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: {
          type: 'tool_use',
          id: 'toolu_2',
          name: 'get_weather',
          input: {},
          caller: { type: 'direct' },
        },
      },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null, container: null, stop_details: null },
        usage: {
          input_tokens: 10,
          output_tokens: 5,
          cache_creation_input_tokens: null,
          cache_read_input_tokens: null,
          output_tokens_details: null,
          server_tool_use: null,
        },
      },
      { type: 'message_stop' },
    ];
    const chunks = await collect(toChatCompletionChunks(replay(events), { model: 'm', includeUsage: false }));
    const deltas = chunks.map((c) => c.choices[0]?.delta);
    expect(deltas.flatMap((d) => d?.tool_calls ?? [])).toEqual([
      { index: 0, id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Oslo"}' } },
      { index: 1, id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
