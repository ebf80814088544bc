/**
 * Conformance rows for the AI SDK (test/clients/): `ai` 6 with `@ai-sdk/anthropic` 3.x and
 * `@ai-sdk/openai` 3.x (chat: `openai.chat(model)`, responses: `openai.responses(model)`), and `ai`
 * 7 with `@ai-sdk/anthropic` 4.x and `@ai-sdk/openai` 4.x (the aliases `ai-v7`,
 * `ai-sdk-anthropic-v4`, `ai-sdk-openai-v4`; they declare Node >= 22 in `engines` but run on
 * Node 20, which is what the suite runs on). Each adapter uses the SDK as documented:
 * `generateText` / `streamText`, image parts (ai 7: a `file` part, `image` parts are deprecated there), `tool({inputSchema: jsonSchema(...)})` without
 * `execute` and a manual round trip with `response.messages` plus a `tool` message, structured
 * output through `generateObject` / `streamObject` (ai 6) or `output: Output.object(...)` (ai 7,
 * where `generateObject` is deprecated), and `APICallError.statusCode` for failures.
 * `maxRetries: 0` everywhere.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import * as ai6 from 'ai';
import * as ai7 from 'ai-v7';
import { createAnthropic as createAnthropicV4 } from 'ai-sdk-anthropic-v4';
import { createOpenAI as createOpenAIV4 } from 'ai-sdk-openai-v4';
import {
  failureOf,
  type ClientAnswer,
  type ClientToolCall,
  type ConformanceClient,
  type ConformanceRow,
} from './client.js';
import { INVALID_MODEL, MODEL } from './official-sdks.js';

/** Usage as the AI SDK reports it (same shape in 6 and 7). */
function usageOf(usage: {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}): ClientAnswer['usage'] {
  return { input: usage.inputTokens, output: usage.outputTokens };
}

// ------------------------------------------------------------------------------------------------
// ai 6

type Model6 = ai6.LanguageModel;

function ai6Client(model: (id: string) => Model6): ConformanceClient {
  const base = { model: model(MODEL), maxRetries: 0 } as const;
  const streamed = async (result: ai6.StreamTextResult<ai6.ToolSet, never>) => {
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    return { deltas, text: await result.text, usage: usageOf(await result.usage) };
  };
  return {
    async ask(prompt, options = {}) {
      const result = await ai6.generateText({
        ...base,
        prompt,
        ...(options.system ? { system: options.system } : {}),
      });
      return { text: result.text, usage: usageOf(result.usage) };
    },
    async stream(prompt, options = {}) {
      return streamed(
        ai6.streamText({ ...base, prompt, ...(options.system ? { system: options.system } : {}) }),
      );
    },
    async converse(history, prompt) {
      const result = await ai6.generateText({
        ...base,
        messages: [
          ...history.map((t): ai6.ModelMessage => ({ role: t.role, content: t.text })),
          { role: 'user', content: prompt },
        ],
      });
      return { text: result.text, usage: usageOf(result.usage) };
    },
    async askWithImage(prompt, pngBase64) {
      const result = await ai6.generateText({
        ...base,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', image: pngBase64, mediaType: 'image/png' },
              { type: 'text', text: prompt },
            ],
          },
        ],
      });
      return { text: result.text, usage: usageOf(result.usage) };
    },
    async toolRoundTrip(prompt, spec, run, { stream }) {
      // A cast: the AI SDK's ToolSet type does not accept its own tool() under exactOptionalPropertyTypes.
      const tools = {
        [spec.name]: ai6.tool({ description: spec.description, inputSchema: ai6.jsonSchema(spec.schema) }),
      } as unknown as ai6.ToolSet;
      /** One step: its tool calls, the messages it added, its text. */
      const step = async (messages: ai6.ModelMessage[]) => {
        if (!stream) {
          const result = await ai6.generateText({ ...base, messages, tools });
          return { toolCalls: result.toolCalls, messages: result.response.messages, text: result.text };
        }
        const result = ai6.streamText({ ...base, messages, tools });
        const text = await result.text;
        return { toolCalls: await result.toolCalls, messages: (await result.response).messages, text };
      };
      const messages: ai6.ModelMessage[] = [{ role: 'user', content: prompt }];
      const first = await step(messages);
      const calls: ClientToolCall[] = first.toolCalls.map((c) => ({ name: c.toolName, input: c.input }));
      messages.push(...first.messages, {
        role: 'tool',
        content: first.toolCalls.map((c) => ({
          type: 'tool-result' as const,
          toolCallId: c.toolCallId,
          toolName: c.toolName,
          output: { type: 'text' as const, value: run(c.input) },
        })),
      });
      return { calls, finalText: (await step(messages)).text };
    },
    async structured(prompt, schema, { stream }) {
      const options = { ...base, prompt, schema: ai6.jsonSchema(schema) };
      if (!stream) return (await ai6.generateObject(options)).object;
      // The result's promises settle once the stream has been read (backpressure), as documented.
      const result = ai6.streamObject(options);
      for await (const partial of result.partialObjectStream) void partial;
      return await result.object;
    },
    badRequest() {
      return failureOf(() => ai6.generateText({ model: model(INVALID_MODEL), maxRetries: 0, prompt: 'hi' }));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// ai 7

type Model7 = ai7.LanguageModel;

function ai7Client(model: (id: string) => Model7): ConformanceClient {
  const base = { model: model(MODEL), maxRetries: 0 } as const;
  return {
    async ask(prompt, options = {}) {
      const result = await ai7.generateText({
        ...base,
        prompt,
        ...(options.system ? { instructions: options.system } : {}),
      });
      return { text: result.text, usage: usageOf(result.usage) };
    },
    async stream(prompt, options = {}) {
      const result = ai7.streamText({
        ...base,
        prompt,
        ...(options.system ? { instructions: options.system } : {}),
      });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      return { deltas, text: await result.text, usage: usageOf(await result.usage) };
    },
    async converse(history, prompt) {
      const result = await ai7.generateText({
        ...base,
        messages: [
          ...history.map((t): ai7.ModelMessage => ({ role: t.role, content: t.text })),
          { role: 'user', content: prompt },
        ],
      });
      return { text: result.text, usage: usageOf(result.usage) };
    },
    async askWithImage(prompt, pngBase64) {
      const result = await ai7.generateText({
        ...base,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'file', data: pngBase64, mediaType: 'image/png' },
              { type: 'text', text: prompt },
            ],
          },
        ],
      });
      return { text: result.text, usage: usageOf(result.usage) };
    },
    async toolRoundTrip(prompt, spec, run, { stream }) {
      // A cast: the AI SDK's ToolSet type does not accept its own tool() under exactOptionalPropertyTypes.
      const tools = {
        [spec.name]: ai7.tool({ description: spec.description, inputSchema: ai7.jsonSchema(spec.schema) }),
      } as unknown as ai7.ToolSet;
      const step = async (messages: ai7.ModelMessage[]) => {
        if (!stream) {
          const result = await ai7.generateText({ ...base, messages, tools });
          return { toolCalls: result.toolCalls, messages: result.response.messages, text: result.text };
        }
        const result = ai7.streamText({ ...base, messages, tools });
        const text = await result.text;
        return { toolCalls: await result.toolCalls, messages: (await result.response).messages, text };
      };
      const messages: ai7.ModelMessage[] = [{ role: 'user', content: prompt }];
      const first = await step(messages);
      const calls: ClientToolCall[] = first.toolCalls.map((c) => ({ name: c.toolName, input: c.input }));
      messages.push(...first.messages, {
        role: 'tool',
        content: first.toolCalls.map((c) => ({
          type: 'tool-result' as const,
          toolCallId: c.toolCallId,
          toolName: c.toolName,
          output: { type: 'text' as const, value: run(c.input) },
        })),
      });
      return { calls, finalText: (await step(messages)).text };
    },
    async structured(prompt, schema, { stream }) {
      const output = ai7.Output.object({ schema: ai7.jsonSchema(schema) });
      return stream
        ? await ai7.streamText({ ...base, prompt, output }).output
        : (await ai7.generateText({ ...base, prompt, output })).output;
    },
    badRequest() {
      return failureOf(() => ai7.generateText({ model: model(INVALID_MODEL), maxRetries: 0, prompt: 'hi' }));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Rows

const apiKey = 'unused';

/** The AI SDK rows of the matrix. */
export const aiSdkRows: readonly ConformanceRow[] = [
  {
    name: 'ai 6 + @ai-sdk/anthropic 3.x',
    packages: ['ai', '@ai-sdk/anthropic'],
    badRequestError: 'APICallError',
    api: 'anthropic',
    createClient: (baseUrl) => ai6Client(createAnthropic({ baseURL: `${baseUrl}/v1`, apiKey })),
  },
  {
    name: 'ai 7 + @ai-sdk/anthropic 4.x',
    packages: ['ai-v7', 'ai-sdk-anthropic-v4'],
    badRequestError: 'APICallError',
    api: 'anthropic',
    createClient: (baseUrl) => ai7Client(createAnthropicV4({ baseURL: `${baseUrl}/v1`, apiKey })),
  },
  {
    name: 'ai 6 + @ai-sdk/openai 3.x chat',
    packages: ['ai', '@ai-sdk/openai'],
    badRequestError: 'APICallError',
    api: 'openai-chat',
    createClient: (baseUrl) => ai6Client(createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey }).chat),
  },
  {
    name: 'ai 6 + @ai-sdk/openai 3.x responses',
    packages: ['ai', '@ai-sdk/openai'],
    badRequestError: 'APICallError',
    api: 'openai-responses',
    createClient: (baseUrl) => ai6Client(createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey }).responses),
  },
  {
    name: 'ai 7 + @ai-sdk/openai 4.x chat',
    packages: ['ai-v7', 'ai-sdk-openai-v4'],
    badRequestError: 'APICallError',
    api: 'openai-chat',
    createClient: (baseUrl) => ai7Client(createOpenAIV4({ baseURL: `${baseUrl}/v1`, apiKey }).chat),
  },
  {
    name: 'ai 7 + @ai-sdk/openai 4.x responses',
    packages: ['ai-v7', 'ai-sdk-openai-v4'],
    badRequestError: 'APICallError',
    api: 'openai-responses',
    createClient: (baseUrl) => ai7Client(createOpenAIV4({ baseURL: `${baseUrl}/v1`, apiKey }).responses),
  },
];
