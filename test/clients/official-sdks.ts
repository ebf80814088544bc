/**
 * Conformance rows for the official SDKs (test/clients/): `@anthropic-ai/sdk` 1.x and 0.x
 * (`anthropic-sdk-v0`) on the Messages API, and `openai` 6.x on Chat Completions and on the
 * Responses API. Each adapter uses its SDK as documented (`messages.create` / `messages.stream`,
 * `messages.parse` with `jsonSchemaOutputFormat`, `chat.completions.parse` with
 * `zodResponseFormat`, `responses.parse` with `zodTextFormat`, ...) and only translates results.
 */
import Anthropic from '@anthropic-ai/sdk';
import { jsonSchemaOutputFormat } from '@anthropic-ai/sdk/helpers/json-schema';
import AnthropicV0 from 'anthropic-sdk-v0';
import { jsonSchemaOutputFormat as jsonSchemaOutputFormatV0 } from 'anthropic-sdk-v0/helpers/json-schema';
import OpenAI from 'openai';
import { zodResponseFormat, zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import {
  failureOf,
  type ClientAnswer,
  type ClientToolCall,
  type ClientTurn,
  type ConformanceClient,
  type ConformanceRow,
} from './client.js';

/** The model every row asks for. */
export const MODEL = 'claude-sonnet-5-5';

/** A model name the proxy must refuse with 400 (a space is not allowed in a model name). */
export const INVALID_MODEL = 'not a model!';

/** A JSON Schema as a zod schema (for the helpers that take zod). */
export function zodOf(schema: Record<string, unknown>): z.ZodType {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
}

// ------------------------------------------------------------------------------------------------
// @anthropic-ai/sdk

type AnthropicSdk = typeof Anthropic;
type OutputFormatHelper = typeof jsonSchemaOutputFormat;

function anthropicText(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

function anthropicAnswer(message: Anthropic.Message): ClientAnswer {
  return {
    text: anthropicText(message),
    usage: { input: message.usage.input_tokens, output: message.usage.output_tokens },
  };
}

function anthropicClient(
  Sdk: AnthropicSdk,
  outputFormat: OutputFormatHelper,
  baseUrl: string,
): ConformanceClient {
  const client = new Sdk({ baseURL: baseUrl, apiKey: 'unused', maxRetries: 0 });
  const create = async (
    messages: Anthropic.MessageParam[],
    extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {},
  ): Promise<Anthropic.Message> =>
    client.messages.create({ model: MODEL, max_tokens: 1024, messages, ...extra });

  /** One request streamed with `messages.stream`: its text deltas and final message. */
  const streamed = async (
    messages: Anthropic.MessageParam[],
    extra: Partial<Anthropic.MessageStreamParams> = {},
  ): Promise<{ deltas: string[]; message: Anthropic.Message }> => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 1024, messages, ...extra });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    return { deltas, message };
  };

  return {
    async ask(prompt, options = {}) {
      const message = await create(
        [{ role: 'user', content: prompt }],
        options.system === undefined ? {} : { system: options.system },
      );
      return anthropicAnswer(message);
    },
    async stream(prompt, options = {}) {
      const { deltas, message } = await streamed(
        [{ role: 'user', content: prompt }],
        options.system === undefined ? {} : { system: options.system },
      );
      return { ...anthropicAnswer(message), deltas };
    },
    async converse(history: readonly ClientTurn[], prompt) {
      const message = await create([
        ...history.map((t): Anthropic.MessageParam => ({ role: t.role, content: t.text })),
        { role: 'user', content: prompt },
      ]);
      return anthropicAnswer(message);
    },
    async askWithImage(prompt, pngBase64) {
      const message = await create([
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
            { type: 'text', text: prompt },
          ],
        },
      ]);
      return anthropicAnswer(message);
    },
    async toolRoundTrip(prompt, tool, run, { stream }) {
      const tools: Anthropic.Tool[] = [
        {
          name: tool.name,
          description: tool.description,
          input_schema: tool.schema as Anthropic.Tool.InputSchema,
        },
      ];
      const send = async (messages: Anthropic.MessageParam[]) =>
        stream ? (await streamed(messages, { tools })).message : await create(messages, { tools });
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: prompt }];
      const first = await send(messages);
      const uses = first.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      const calls: ClientToolCall[] = uses.map((u) => ({ name: u.name, input: u.input }));
      messages.push(
        { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
        {
          role: 'user',
          content: uses.map((u) => ({
            type: 'tool_result' as const,
            tool_use_id: u.id,
            content: run(u.input),
          })),
        },
      );
      const final = await send(messages);
      return { calls, finalText: anthropicText(final) };
    },
    async structured(prompt, schema, { stream }) {
      const format = outputFormat(schema as Parameters<OutputFormatHelper>[0]);
      const params = {
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: 'user' as const, content: prompt }],
        output_config: { format },
      };
      const message = stream
        ? await client.messages.stream(params).finalMessage()
        : await client.messages.parse(params);
      return message.parsed_output;
    },
    badRequest() {
      return failureOf(() =>
        client.messages.create({
          model: INVALID_MODEL,
          max_tokens: 16,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
    },
  };
}

// ------------------------------------------------------------------------------------------------
// openai: Chat Completions

type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;

function chatUsage(usage: OpenAI.CompletionUsage | undefined | null): ClientAnswer['usage'] {
  return usage ? { input: usage.prompt_tokens, output: usage.completion_tokens } : undefined;
}

function openaiChatClient(baseUrl: string): ConformanceClient {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  const create = async (messages: ChatMessage[], tools?: OpenAI.Chat.ChatCompletionTool[]) => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages,
      ...(tools ? { tools } : {}),
    });
    return completion;
  };
  /** One streamed request through `chat.completions.stream`: deltas, final completion. */
  const streamed = async (messages: ChatMessage[], tools?: OpenAI.Chat.ChatCompletionTool[]) => {
    const stream = client.chat.completions.stream({
      model: MODEL,
      messages,
      stream_options: { include_usage: true },
      ...(tools ? { tools } : {}),
    });
    const deltas: string[] = [];
    stream.on('content.delta', ({ delta }) => deltas.push(delta));
    const completion = await stream.finalChatCompletion();
    return { deltas, completion };
  };
  const withSystem = (prompt: string, system: string | undefined): ChatMessage[] => [
    ...(system === undefined ? [] : [{ role: 'system' as const, content: system }]),
    { role: 'user', content: prompt },
  ];
  return {
    async ask(prompt, options = {}) {
      const completion = await create(withSystem(prompt, options.system));
      return { text: completion.choices[0]?.message.content ?? '', usage: chatUsage(completion.usage) };
    },
    async stream(prompt, options = {}) {
      const { deltas, completion } = await streamed(withSystem(prompt, options.system));
      return {
        text: completion.choices[0]?.message.content ?? '',
        usage: chatUsage(completion.usage),
        deltas,
      };
    },
    async converse(history, prompt) {
      const completion = await create([
        ...history.map((t): ChatMessage => ({ role: t.role, content: t.text })),
        { role: 'user', content: prompt },
      ]);
      return { text: completion.choices[0]?.message.content ?? '', usage: chatUsage(completion.usage) };
    },
    async askWithImage(prompt, pngBase64) {
      const completion = await create([
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBase64}` } },
            { type: 'text', text: prompt },
          ],
        },
      ]);
      return { text: completion.choices[0]?.message.content ?? '', usage: chatUsage(completion.usage) };
    },
    async toolRoundTrip(prompt, tool, run, { stream }) {
      const tools: OpenAI.Chat.ChatCompletionTool[] = [
        {
          type: 'function',
          function: { name: tool.name, description: tool.description, parameters: tool.schema },
        },
      ];
      const send = async (messages: ChatMessage[]) =>
        stream ? (await streamed(messages, tools)).completion : await create(messages, tools);
      const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
      const first = (await send(messages)).choices[0]?.message;
      const functionCalls = (first?.tool_calls ?? []).filter((c) => c.type === 'function');
      const calls = functionCalls.map((c) => ({
        name: c.function.name,
        input: JSON.parse(c.function.arguments) as unknown,
      }));
      messages.push(
        { role: 'assistant', content: first?.content ?? null, tool_calls: functionCalls },
        ...functionCalls.map((c): ChatMessage => ({
          role: 'tool',
          tool_call_id: c.id,
          content: run(JSON.parse(c.function.arguments) as unknown),
        })),
      );
      const final = await send(messages);
      return { calls, finalText: final.choices[0]?.message.content ?? '' };
    },
    async structured(prompt, schema, { stream }) {
      const params = {
        model: MODEL,
        messages: [{ role: 'user' as const, content: prompt }],
        response_format: zodResponseFormat(zodOf(schema), 'city'),
      };
      const completion = stream
        ? await client.chat.completions.stream(params).finalChatCompletion()
        : await client.chat.completions.parse(params);
      return completion.choices[0]?.message.parsed;
    },
    badRequest() {
      return failureOf(() =>
        client.chat.completions.create({ model: INVALID_MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      );
    },
  };
}

// ------------------------------------------------------------------------------------------------
// openai: Responses

type ResponseInput = OpenAI.Responses.ResponseInputItem;

function responsesUsage(response: OpenAI.Responses.Response): ClientAnswer['usage'] {
  return response.usage
    ? { input: response.usage.input_tokens, output: response.usage.output_tokens }
    : undefined;
}

function openaiResponsesClient(baseUrl: string): ConformanceClient {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  const create = (
    input: ResponseInput[] | string,
    extra: Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {},
  ) => client.responses.create({ model: MODEL, input, ...extra });
  const streamed = async (
    input: ResponseInput[] | string,
    extra: Partial<OpenAI.Responses.ResponseCreateParamsStreaming> = {},
  ) => {
    const stream = client.responses.stream({ model: MODEL, input, ...extra });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    return { deltas, response };
  };
  const answer = (response: OpenAI.Responses.Response): ClientAnswer => ({
    text: response.output_text,
    usage: responsesUsage(response),
  });
  return {
    async ask(prompt, options = {}) {
      return answer(
        await create(prompt, options.system === undefined ? {} : { instructions: options.system }),
      );
    },
    async stream(prompt, options = {}) {
      const { deltas, response } = await streamed(
        prompt,
        options.system === undefined ? {} : { instructions: options.system },
      );
      return { ...answer(response), deltas };
    },
    async converse(history, prompt) {
      return answer(
        await create([
          ...history.map((t): ResponseInput => ({ role: t.role, content: t.text })),
          { role: 'user', content: prompt },
        ]),
      );
    },
    async askWithImage(prompt, pngBase64) {
      return answer(
        await create([
          {
            role: 'user',
            content: [
              { type: 'input_image', image_url: `data:image/png;base64,${pngBase64}`, detail: 'auto' },
              { type: 'input_text', text: prompt },
            ],
          },
        ]),
      );
    },
    async toolRoundTrip(prompt, tool, run, { stream }) {
      const tools: OpenAI.Responses.Tool[] = [
        {
          type: 'function',
          name: tool.name,
          description: tool.description,
          parameters: tool.schema,
          strict: false,
        },
      ];
      const send = async (input: ResponseInput[]) =>
        stream ? (await streamed(input, { tools })).response : await create(input, { tools });
      const input: ResponseInput[] = [{ role: 'user', content: prompt }];
      const first = await send(input);
      const functionCalls: OpenAI.Responses.ResponseFunctionToolCall[] = [];
      for (const item of first.output) if (item.type === 'function_call') functionCalls.push(item);
      const calls = functionCalls.map((c) => ({ name: c.name, input: JSON.parse(c.arguments) as unknown }));
      input.push(
        ...functionCalls,
        ...functionCalls.map((c): ResponseInput => ({
          type: 'function_call_output',
          call_id: c.call_id,
          output: run(JSON.parse(c.arguments) as unknown),
        })),
      );
      const final = await send(input);
      return { calls, finalText: final.output_text };
    },
    async structured(prompt, schema, { stream }) {
      const params = {
        model: MODEL,
        input: prompt,
        text: { format: zodTextFormat(zodOf(schema), 'city') },
      };
      const response = stream
        ? await client.responses.stream(params).finalResponse()
        : await client.responses.parse(params);
      return response.output_parsed;
    },
    badRequest() {
      return failureOf(() => client.responses.create({ model: INVALID_MODEL, input: 'hi' }));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Rows

/** The official SDKs' rows of the matrix. */
export const officialSdkRows: readonly ConformanceRow[] = [
  {
    name: '@anthropic-ai/sdk 1.x',
    api: 'anthropic',
    packages: ['@anthropic-ai/sdk'],
    badRequestError: 'BadRequestError',
    createClient: (baseUrl) => anthropicClient(Anthropic, jsonSchemaOutputFormat, baseUrl),
  },
  {
    name: '@anthropic-ai/sdk 0.x',
    api: 'anthropic',
    packages: ['anthropic-sdk-v0'],
    badRequestError: 'BadRequestError',
    createClient: (baseUrl) =>
      anthropicClient(
        AnthropicV0 as unknown as AnthropicSdk,
        jsonSchemaOutputFormatV0 as unknown as OutputFormatHelper,
        baseUrl,
      ),
  },
  {
    name: 'openai 6.x chat completions',
    api: 'openai-chat',
    packages: ['openai'],
    badRequestError: 'BadRequestError',
    createClient: openaiChatClient,
  },
  {
    name: 'openai 6.x responses',
    api: 'openai-responses',
    packages: ['openai'],
    badRequestError: 'BadRequestError',
    createClient: openaiResponsesClient,
  },
];
