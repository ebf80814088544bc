/**
 * LangChain rows of the real-client conformance suite: `@langchain/anthropic` `ChatAnthropic` and
 * `@langchain/openai` `ChatOpenAI` (chat completions, and the Responses API with
 * `useResponsesApi: true`), used the way LangChain's documentation shows: messages from
 * `@langchain/core/messages`, `.invoke()` / `.stream()`, `bindTools` with a `tool()` whose schema is
 * JSON Schema, `ToolMessage`s produced by invoking the tool with the model's tool call, and
 * `withStructuredOutput(jsonSchema)` with its default method (ChatAnthropic: a forced tool call;
 * ChatOpenAI: `response_format` / `text.format` `json_schema`).
 *
 * Pinned: `@langchain/anthropic` 1.5.11, `@langchain/openai` 1.5.8, `@langchain/core` 1.4.0.
 * `@langchain/openai` 1.5.9+ requires Node >= 22 and `openai` 7, so it cannot be installed next to
 * this package's Node 20 floor and `openai` 6; 1.5.8 is the newest release that runs here.
 */
import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk } from '@langchain/core/messages';
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  type BaseMessage,
  type ContentBlock,
  type ToolMessage,
  type UsageMetadata,
} from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { concat } from '@langchain/core/utils/stream';
import { ChatOpenAI } from '@langchain/openai';
import {
  failureOf,
  type ClientAnswer,
  type ClientStreamed,
  type ClientToolCall,
  type ClientTurn,
  type ClientUsage,
  type ConformanceClient,
  type ConformanceRow,
} from './client.js';
import { INVALID_MODEL, MODEL } from './official-sdks.js';

const API_KEY = 'unused';

/** How a row builds its chat model and puts an inline PNG into a HumanMessage. */
interface LangChainFlavour {
  model(baseUrl: string, modelName?: string): BaseChatModel;
  imagePart(pngBase64: string): ContentBlock;
}

/** `usage_metadata` of a message, as the neutral usage. */
function usageOf(message: { readonly usage_metadata?: UsageMetadata | undefined }): ClientUsage | undefined {
  const usage = message.usage_metadata;
  return usage === undefined ? undefined : { input: usage.input_tokens, output: usage.output_tokens };
}

/** The history as LangChain messages, system prompt first. */
function messagesFor(prompt: string, system?: string, history: readonly ClientTurn[] = []): BaseMessage[] {
  return [
    ...(system === undefined ? [] : [new SystemMessage(system)]),
    ...history.map((turn) => (turn.role === 'user' ? new HumanMessage(turn.text) : new AIMessage(turn.text))),
    new HumanMessage(prompt),
  ];
}

/** Reads a `.stream()` to the end: each chunk's text, and the chunks concatenated. */
async function readStream(
  stream: AsyncIterable<AIMessageChunk>,
): Promise<{ message: AIMessageChunk; deltas: string[] }> {
  const deltas: string[] = [];
  let message: AIMessageChunk | undefined;
  for await (const chunk of stream) {
    if (chunk.text !== '') deltas.push(chunk.text);
    message = message === undefined ? chunk : concat(message, chunk);
  }
  if (message === undefined) throw new Error('the stream ended without a chunk');
  return { message, deltas };
}

function client(flavour: LangChainFlavour, baseUrl: string): ConformanceClient {
  const model = flavour.model(baseUrl);
  const answer = async (messages: BaseMessage[]): Promise<ClientAnswer> => {
    const message = await model.invoke(messages);
    return { text: message.text, usage: usageOf(message) };
  };
  return {
    ask: (prompt, options) => answer(messagesFor(prompt, options?.system)),

    async stream(prompt, options): Promise<ClientStreamed> {
      const { message, deltas } = await readStream(await model.stream(messagesFor(prompt, options?.system)));
      return { text: message.text, usage: usageOf(message), deltas };
    },

    converse: (history, prompt) => answer(messagesFor(prompt, undefined, history)),

    askWithImage: (prompt, pngBase64) =>
      answer([new HumanMessage({ content: [{ type: 'text', text: prompt }, flavour.imagePart(pngBase64)] })]),

    async toolRoundTrip(prompt, spec, run, { stream }) {
      const clientTool = tool((input: unknown) => run(input), {
        name: spec.name,
        description: spec.description,
        schema: spec.schema,
      });
      if (model.bindTools === undefined) throw new Error('this chat model cannot bind tools');
      const withTools = model.bindTools([clientTool]);
      const turn = async (messages: BaseMessage[]): Promise<AIMessageChunk | AIMessage> =>
        stream ? (await readStream(await withTools.stream(messages))).message : withTools.invoke(messages);
      const messages: BaseMessage[] = [new HumanMessage(prompt)];
      const first = await turn(messages);
      const calls: ClientToolCall[] = (first.tool_calls ?? []).map((call) => ({
        name: call.name,
        input: call.args,
      }));
      messages.push(first);
      for (const call of first.tool_calls ?? []) {
        const result: ToolMessage = await clientTool.invoke(call);
        messages.push(result);
      }
      const final = await turn(messages);
      return { calls, finalText: final.text };
    },

    // Default methods: ChatAnthropic offers a tool `extract` with `tool_choice: {type: 'tool'}` (the
    // proxy asks the model for that call, as the CLI cannot force one); ChatOpenAI sends
    // `response_format` / `text.format` `json_schema`. Two streamed cells fail inside LangChain with
    // any server: @langchain/core >= 1.1.46 no longer merges Anthropic's `input_json_delta` chunks
    // into their `tool_use` block (langchain-ai/langchainjs#10907: "Failed to parse. Text: """),
    // and with `useResponsesApi` every chunk's content is an array, which the `JsonOutputParser` of
    // a JSON-Schema `withStructuredOutput` refuses ("Cannot handle non-string output").
    async structured(prompt, schema, { stream }) {
      const structuredModel = model.withStructuredOutput(schema);
      if (!stream) return structuredModel.invoke(prompt);
      let last: unknown;
      for await (const chunk of await structuredModel.stream(prompt)) last = chunk;
      return last;
    },

    // LangChain rethrows the SDK's own error (`BadRequestError` of the SDK it wraps).
    badRequest: () => failureOf(() => flavour.model(baseUrl, INVALID_MODEL).invoke('hi')),
  };
}

const anthropic: LangChainFlavour = {
  model: (baseUrl, modelName = MODEL) =>
    new ChatAnthropic({ model: modelName, apiKey: API_KEY, anthropicApiUrl: baseUrl, maxRetries: 0 }),
  // LangChain's standard (provider-neutral) image block; ChatAnthropic turns it into a base64 `image`.
  imagePart: (pngBase64) => ({ type: 'image', mimeType: 'image/png', data: pngBase64 }),
};

function openai(useResponsesApi: boolean): LangChainFlavour {
  return {
    model: (baseUrl, modelName = MODEL) =>
      new ChatOpenAI({
        model: modelName,
        apiKey: API_KEY,
        configuration: { baseURL: `${baseUrl}/v1` },
        maxRetries: 0,
        // Usage in streams: chat completions ask for it with `stream_options.include_usage`.
        streamUsage: true,
        useResponsesApi,
      }),
    imagePart: (pngBase64) => ({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${pngBase64}` },
    }),
  };
}

export const langchainRows: ConformanceRow[] = [
  {
    name: '@langchain/anthropic 1.5 ChatAnthropic',
    packages: ['@langchain/anthropic', '@langchain/core'],
    badRequestError: 'BadRequestError',
    api: 'anthropic',
    createClient: (baseUrl) => client(anthropic, baseUrl),
  },
  {
    name: '@langchain/openai 1.5 ChatOpenAI (chat)',
    packages: ['@langchain/openai', '@langchain/core'],
    badRequestError: 'BadRequestError',
    api: 'openai-chat',
    createClient: (baseUrl) => client(openai(false), baseUrl),
  },
  {
    name: '@langchain/openai 1.5 ChatOpenAI (responses)',
    packages: ['@langchain/openai', '@langchain/core'],
    badRequestError: 'BadRequestError',
    api: 'openai-responses',
    createClient: (baseUrl) => client(openai(true), baseUrl),
  },
];
