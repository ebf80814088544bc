/**
 * The Responses translation without a server: request → Anthropic body (items, merging, history of
 * a previous response, tools, output config, warnings, 400s naming the field), Anthropic events →
 * Responses stream events (order, sequence numbers, tool calls, max_tokens, the error event), the
 * way back to the remembered assistant turn, and the bounded response store.
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { OpenAIApiError } from '../../src/compat/openai/errors.js';
import { responsesToAnthropic } from '../../src/compat/openai-responses/to-anthropic.js';
import { encodeResponsesSse, ResponsesEventStream } from '../../src/compat/openai-responses/to-events.js';
import { assistantTurn, responseFrame, toResponse } from '../../src/compat/openai-responses/to-response.js';
import { parseResponsesRequest } from '../../src/compat/openai-responses/request-schema.js';
import { ResponseStore } from '../../src/gateway/response-store.js';
import { MemoryKeyValueStore } from '../../src/storage/key-value-store.js';
import { collect, message, replay, streamEvents, usage } from '../compat-openai/anthropic-fixtures.js';

const model = 'claude-sonnet-5-5';

function invalid(body: unknown): OpenAIApiError {
  try {
    responsesToAnthropic(body);
  } catch (error) {
    if (OpenAIApiError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('Responses request → Anthropic', () => {
  it('translates instructions, items, function calls and their outputs, merging same-role turns', () => {
    const { params, warnings, store, stream } = responsesToAnthropic({
      model,
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use metric units.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'message', role: 'user', content: 'And tomorrow?' },
      ],
      max_output_tokens: 64,
      store: false,
    });
    expect(params).toMatchObject({
      model,
      max_tokens: 64,
      system: 'Be brief.\n\nUse metric units.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    expect(warnings).toEqual([]);
    expect(store).toBe(false);
    expect(stream).toBe(false);
  });

  it('puts the previous response’s history first', () => {
    const previous = {
      messages: [
        { role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] },
        { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'Hello' }] },
      ],
    };
    const { params } = responsesToAnthropic(
      { model, input: 'Again', previous_response_id: 'resp_1' },
      previous,
    );
    expect(params.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(previous.messages).toHaveLength(2);
  });

  it('maps tools, tool_choice, text.format and reasoning.effort; warns about what it ignores', () => {
    const { params, warnings } = responsesToAnthropic({
      model,
      input: 'x',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} }, strict: true }],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' } } },
      reasoning: { effort: 'minimal' },
      temperature: 0.3,
      truncation: 'auto',
    });
    expect(params.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
    expect(params.tool_choice).toEqual({ type: 'tool', name: 'f', disable_parallel_tool_use: true });
    expect(params.output_config).toEqual({
      format: { type: 'json_schema', schema: { type: 'object' } },
      effort: 'low',
    });
    expect(warnings).toEqual([
      'temperature: not supported by the Claude Code CLI (it samples with its own settings); ignored',
      'truncation: the CLI compacts long conversations itself; ignored',
      "'strict' function schemas are not enforced; arguments follow the schema as the model writes them",
    ]);
  });

  it('refuses with 400 naming the field', () => {
    expect(invalid({ input: 'x' })).toMatchObject({ status: 400, param: 'model' });
    expect(invalid({ model, input: [] })).toMatchObject({ param: 'input' });
    expect(invalid({ model, input: [{ type: 'web_search_call' }] })).toMatchObject({
      param: 'input[0].type',
      openaiCode: 'unsupported_value',
    });
    expect(
      invalid({ model, input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }),
    ).toMatchObject({ param: 'input[0].content[0].type' });
    expect(invalid({ model, input: 'x', tools: [{ type: 'web_search' }] })).toMatchObject({
      param: 'tools[0].type',
    });
    expect(
      invalid({ model, input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{' }] }),
    ).toMatchObject({ param: 'input[0].arguments' });
    expect(invalid({ model, input: 'x', tool_choice: { type: 'function', name: 'nope' } })).toMatchObject({
      param: 'tool_choice.name',
    });
  });
});

const toolEvents: RawMessageStreamEvent[] = [
  { type: 'message_start', message: message([], { stop_reason: null, usage: usage({ input_tokens: 5 }) }) },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
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
  } as RawMessageStreamEvent,
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } },
  { type: 'content_block_stop', index: 1 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null, container: null, stop_details: null },
    usage: {
      input_tokens: null,
      output_tokens: 9,
      cache_read_input_tokens: null,
      cache_creation_input_tokens: null,
      output_tokens_details: null,
      server_tool_use: null,
    },
  } as RawMessageStreamEvent,
  { type: 'message_stop' },
];

describe('Anthropic events → Responses stream events', () => {
  const translation = parseResponsesRequest({ model, input: 'x' });

  it('emits the official sequence for text and a function call, numbered from 0', async () => {
    const stream = new ResponsesEventStream(responseFrame({ request: translation }));
    const events = await collect(stream.translate(replay(toolEvents)));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const response = stream.response;
    expect(response?.output).toMatchObject([
      { type: 'message', content: [{ type: 'output_text', text: 'Checking.' }] },
      { type: 'function_call', call_id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    ]);
    expect(response?.usage).toMatchObject({ input_tokens: 5, output_tokens: 9, total_tokens: 14 });
    expect(assistantTurn(response!)).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
      ],
    });
    // The error event continues the numbering and carries `error` for the SDK.
    const error = stream.errorEvent(new OpenAIApiError(500, 'boom'));
    expect(error).toMatchObject({ type: 'error', message: 'boom', sequence_number: events.length });
    expect(encodeResponsesSse(error)).toMatch(/^event: error\ndata: \{.*"error":\{/);
  });

  it('ends with response.incomplete when cut by the token limit', async () => {
    const stream = new ResponsesEventStream(responseFrame({ request: translation }));
    const events = await collect(
      stream.translate(replay(streamEvents(['a', 'b'], { stopReason: 'max_tokens' }))),
    );
    const last = events.at(-1);
    expect(last?.type).toBe('response.incomplete');
    expect(stream.response?.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('folds a whole message into the same Response shape', () => {
    const response = toResponse(message(['Hel', 'lo']), responseFrame({ request: translation }));
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello');
  });
});

describe('ResponseStore', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const store = new ResponseStore(2);
    store.set('a', { messages: [] });
    store.set('b', { messages: [] });
    store.get('a');
    store.set('c', { messages: [] });
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('finds a response another replica stored in the shared store, and 404s an unknown one', async () => {
    const shared = new MemoryKeyValueStore();
    const [onA, onB] = [new ResponseStore(10, shared), new ResponseStore(10, shared)];
    const translated = responsesToAnthropic({ model, input: 'Weather?' });
    const answered = toResponse(
      message(['Sunny.']),
      responseFrame({ request: parseResponsesRequest({ model, input: 'Weather?' }) }),
    );
    await onA.remember(translated, answered);
    const previous = await onB.previous(answered.id);
    expect(previous?.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(onB.size).toBe(1);
    await expect(onB.previous('resp_unknown')).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('resp_unknown'),
    });
  });
});
