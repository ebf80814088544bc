/**
 * The wire APIs the proxy serves, each behind one adapter that speaks it with its official client
 * and returns neutral results. test/wire/contract.test.ts runs the same scenarios over every row of
 * {@link wireApis}: a new API (e.g. OpenAI Responses) is one more adapter here, not a new test tree.
 *
 * Adapters translate, they never judge: whatever the server sends is passed on (an unexpected
 * `finish_reason` stays visible as `stop`), so the contract test decides what is right.
 */
import Anthropic from '@anthropic-ai/sdk';
import AnthropicV0 from 'anthropic-sdk-v0';
import OpenAI from 'openai';
import {
  DEFAULT_MODEL,
  describeOpenAIError,
  failureOf,
  headerOf,
  normalize,
  parseToolArguments,
} from './adapter-helpers.js';
import { openaiResponses } from './openai-responses-api.js';

// ------------------------------------------------------------------------------------------------
// Neutral requests and results

/** A tool the caller offers (and runs itself). */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input. */
  readonly schema: Record<string, unknown>;
}

/** A tool call the model made. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

/** An inline (base64) image. */
export interface InlineImage {
  readonly mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  readonly data: string;
}

/** One turn of a conversation. */
export type Turn =
  | { readonly role: 'user'; readonly text: string; readonly image?: InlineImage }
  | { readonly role: 'assistant'; readonly text: string; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly results: readonly { callId: string; content: string }[] };

/** A request in neutral terms. */
export interface WireRequest {
  readonly turns: readonly Turn[];
  readonly system?: string;
  readonly tools?: readonly ToolSpec[];
  readonly model?: string;
  readonly maxTokens?: number;
}

/** Why the answer ended: `end` (a finished answer), `tool_use` (calls to run), else the raw value. */
export type Stop = 'end' | 'tool_use' | (string & {}) | null;

/** An answer in neutral terms. */
export interface Answer {
  readonly text: string;
  readonly stop: Stop;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: { readonly input: number; readonly output: number } | undefined;
  /** `x-claude-code-context`: new, resumed, synthesized, flattened, continued. */
  readonly context: string | null;
  /** `x-claude-session-id` (non-streamed answers only). */
  readonly sessionId: string | null;
  readonly model: string | undefined;
}

/** A streamed answer: the text deltas in arrival order, and the answer they add up to. */
export interface Streamed extends Answer {
  readonly deltas: readonly string[];
}

/** Options of {@link WireClient.stream}. */
export interface StreamOptions {
  /** Aborts the request (the client disconnects). */
  readonly signal?: AbortSignal;
  /** Called for every text delta as it arrives. */
  readonly onDelta?: (text: string) => void;
}

/** What kind of error the official client raised, by its own error classes. */
export type ErrorKind =
  | 'bad_request'
  | 'authentication'
  | 'not_found'
  | 'rate_limit'
  | 'server_error'
  | 'other_api_error'
  | 'aborted'
  | 'connection'
  | 'not_an_api_error';

/** An error raised by an official client, in neutral terms. */
export interface WireError {
  readonly kind: ErrorKind;
  readonly status: number | undefined;
  /** The API's error type (`error.type` in either shape). */
  readonly type: string | undefined;
  readonly message: string;
  readonly retryAfter: string | null;
}

/** A connected official client. */
export interface WireClient {
  /** A non-streamed request; a plain string is one user turn. */
  ask(request: WireRequest | string, options?: { system?: string }): Promise<Answer>;
  /** A streamed request, read through the client's stream API to the end. */
  stream(request: WireRequest | string, options?: StreamOptions): Promise<Streamed>;
  /** Sends a request the API must refuse (no messages at all); resolves with what was thrown. */
  sendInvalid(options?: { stream?: boolean }): Promise<unknown>;
}

/** One wire API. */
export interface WireApi {
  /** Row name. */
  readonly name: string;
  /** Route on the proxy. */
  readonly path: string;
  createClient(url: string): WireClient;
  /** The client's error, in neutral terms. */
  describeError(error: unknown): WireError;
  /** How this API says "overloaded" (Anthropic 529 `overloaded_error`; OpenAI has no 529). */
  readonly overloaded: { readonly status: number; readonly type: string };
  /** The error type of a refused request. */
  readonly invalidRequestType: string;
}

// ------------------------------------------------------------------------------------------------
// Anthropic Messages (official @anthropic-ai/sdk, 1.x or 0.x)

type AnthropicSdk = typeof Anthropic;

function anthropicStop(reason: string | null): Stop {
  if (reason === 'end_turn') return 'end';
  return reason;
}

function toAnthropicMessages(turns: readonly Turn[]): Anthropic.MessageParam[] {
  return turns.map((turn): Anthropic.MessageParam => {
    switch (turn.role) {
      case 'user':
        if (turn.image === undefined) return { role: 'user', content: turn.text };
        return {
          role: 'user',
          content: [
            {
              type: 'image',
              source: { type: 'base64', media_type: turn.image.mediaType, data: turn.image.data },
            },
            { type: 'text', text: turn.text },
          ],
        };
      case 'assistant':
        if (turn.toolCalls === undefined || turn.toolCalls.length === 0) {
          return { role: 'assistant', content: turn.text };
        }
        return {
          role: 'assistant',
          content: [
            ...(turn.text === '' ? [] : [{ type: 'text' as const, text: turn.text }]),
            ...turn.toolCalls.map((call) => ({
              type: 'tool_use' as const,
              id: call.id,
              name: call.name,
              input: call.input,
            })),
          ],
        };
      case 'tool':
        return {
          role: 'user',
          content: turn.results.map((r) => ({
            type: 'tool_result' as const,
            tool_use_id: r.callId,
            content: r.content,
          })),
        };
    }
  });
}

function anthropicParams(request: WireRequest): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: request.model ?? DEFAULT_MODEL,
    max_tokens: request.maxTokens ?? 256,
    messages: toAnthropicMessages(request.turns),
    ...(request.system === undefined ? {} : { system: request.system }),
    ...(request.tools === undefined
      ? {}
      : {
          tools: request.tools.map((t) => ({
            name: t.name,
            description: t.description,
            input_schema: t.schema as Anthropic.Tool.InputSchema,
          })),
        }),
  };
}

function fromAnthropicMessage(message: Anthropic.Message, headers: Headers | undefined) {
  return {
    text: message.content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
    stop: anthropicStop(message.stop_reason),
    toolCalls: message.content.flatMap((b) =>
      b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: b.input }] : [],
    ),
    usage: { input: message.usage.input_tokens, output: message.usage.output_tokens },
    context: headerOf(headers, 'x-claude-code-context'),
    sessionId: headerOf(headers, 'x-claude-session-id'),
    model: message.model,
  };
}

function anthropicApi(name: string, Sdk: AnthropicSdk): WireApi {
  return {
    name,
    path: '/v1/messages',
    overloaded: { status: 529, type: 'overloaded_error' },
    invalidRequestType: 'invalid_request_error',
    createClient(url) {
      const client = new Sdk({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
      return {
        async ask(request, options = {}) {
          const params = anthropicParams(normalize(request, options.system));
          const { data, response } = await client.messages.create(params).withResponse();
          return fromAnthropicMessage(data, response.headers);
        },
        async stream(request, options = {}) {
          const params = anthropicParams(normalize(request));
          const deltas: string[] = [];
          const stream = client.messages.stream(
            params,
            options.signal === undefined ? {} : { signal: options.signal },
          );
          stream.on('text', (text) => {
            deltas.push(text);
            options.onDelta?.(text);
          });
          const message = await stream.finalMessage();
          const { response } = await stream.withResponse();
          return { ...fromAnthropicMessage(message, response.headers), deltas };
        },
        sendInvalid(options = {}) {
          const params = { model: DEFAULT_MODEL, max_tokens: 16, messages: [] };
          return failureOf(() =>
            options.stream === true
              ? client.messages.create({ ...params, stream: true })
              : client.messages.create(params),
          );
        },
      };
    },
    describeError(error) {
      const kind: ErrorKind =
        error instanceof Sdk.APIUserAbortError
          ? 'aborted'
          : error instanceof Sdk.APIConnectionError
            ? 'connection'
            : error instanceof Sdk.BadRequestError
              ? 'bad_request'
              : error instanceof Sdk.AuthenticationError
                ? 'authentication'
                : error instanceof Sdk.NotFoundError
                  ? 'not_found'
                  : error instanceof Sdk.RateLimitError
                    ? 'rate_limit'
                    : error instanceof Sdk.InternalServerError
                      ? 'server_error'
                      : error instanceof Sdk.APIError
                        ? 'other_api_error'
                        : 'not_an_api_error';
      const apiError = error instanceof Sdk.APIError ? error : undefined;
      const body = apiError?.error as { error?: { type?: string } } | undefined;
      return {
        kind,
        status: apiError?.status,
        type: body?.error?.type,
        message: error instanceof Error ? error.message : String(error),
        retryAfter: headerOf(apiError?.headers, 'retry-after'),
      };
    },
  };
}

// ------------------------------------------------------------------------------------------------
// OpenAI Chat Completions (official openai 6.x)

function openaiStop(reason: string | null | undefined): Stop {
  if (reason === 'stop') return 'end';
  if (reason === 'tool_calls') return 'tool_use';
  return reason ?? null;
}

function toOpenAIMessages(request: WireRequest): OpenAI.ChatCompletionMessageParam[] {
  const messages: OpenAI.ChatCompletionMessageParam[] =
    request.system === undefined ? [] : [{ role: 'system', content: request.system }];
  for (const turn of request.turns) {
    switch (turn.role) {
      case 'user':
        messages.push(
          turn.image === undefined
            ? { role: 'user', content: turn.text }
            : {
                role: 'user',
                content: [
                  {
                    type: 'image_url',
                    image_url: { url: `data:${turn.image.mediaType};base64,${turn.image.data}` },
                  },
                  { type: 'text', text: turn.text },
                ],
              },
        );
        break;
      case 'assistant':
        messages.push(
          turn.toolCalls === undefined || turn.toolCalls.length === 0
            ? { role: 'assistant', content: turn.text }
            : {
                role: 'assistant',
                content: turn.text === '' ? null : turn.text,
                tool_calls: turn.toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.name, arguments: JSON.stringify(call.input) },
                })),
              },
        );
        break;
      case 'tool':
        for (const r of turn.results)
          messages.push({ role: 'tool', tool_call_id: r.callId, content: r.content });
        break;
    }
  }
  return messages;
}

function openaiParams(request: WireRequest): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return {
    model: request.model ?? DEFAULT_MODEL,
    max_completion_tokens: request.maxTokens ?? 256,
    messages: toOpenAIMessages(request),
    ...(request.tools === undefined
      ? {}
      : {
          tools: request.tools.map((t) => ({
            type: 'function' as const,
            function: { name: t.name, description: t.description, parameters: t.schema },
          })),
        }),
  };
}

const openaiChat: WireApi = {
  name: 'OpenAI Chat Completions (openai 6.x)',
  path: '/v1/chat/completions',
  overloaded: { status: 503, type: 'server_error' },
  invalidRequestType: 'invalid_request_error',
  createClient(url) {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    return {
      async ask(request, options = {}) {
        const params = openaiParams(normalize(request, options.system));
        const { data, response } = await client.chat.completions.create(params).withResponse();
        const choice = data.choices[0];
        return {
          text: choice?.message.content ?? '',
          stop: openaiStop(choice?.finish_reason),
          toolCalls: (choice?.message.tool_calls ?? []).flatMap((c) =>
            c.type === 'function'
              ? [{ id: c.id, name: c.function.name, input: parseToolArguments(c.function.arguments) }]
              : [],
          ),
          usage:
            data.usage === undefined
              ? undefined
              : { input: data.usage.prompt_tokens, output: data.usage.completion_tokens },
          context: response.headers.get('x-claude-code-context'),
          sessionId: response.headers.get('x-claude-session-id'),
          model: data.model,
        };
      },
      async stream(request, options = {}) {
        const params = openaiParams(normalize(request));
        const { data: stream, response } = await client.chat.completions
          .create(
            { ...params, stream: true, stream_options: { include_usage: true } },
            options.signal === undefined ? {} : { signal: options.signal },
          )
          .withResponse();
        const deltas: string[] = [];
        const calls: { id: string; name: string; arguments: string }[] = [];
        let stop: Stop = null;
        let usage: Answer['usage'];
        let model: string | undefined;
        for await (const chunk of stream) {
          model ??= chunk.model;
          if (chunk.usage)
            usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
          const choice = chunk.choices[0];
          if (choice === undefined) continue;
          const text = choice.delta.content;
          if (typeof text === 'string' && text !== '') {
            deltas.push(text);
            options.onDelta?.(text);
          }
          for (const delta of choice.delta.tool_calls ?? []) {
            const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
            call.id ||= delta.id ?? '';
            call.name ||= delta.function?.name ?? '';
            call.arguments += delta.function?.arguments ?? '';
          }
          if (choice.finish_reason) stop = openaiStop(choice.finish_reason);
        }
        // The openai client ends the iteration quietly when its request is aborted (streaming.js:
        // `if (isAbortError(e)) return`); the Anthropic clients throw. Neutral: an abort throws.
        if (options.signal?.aborted === true) throw new OpenAI.APIUserAbortError();
        return {
          text: deltas.join(''),
          deltas,
          stop,
          toolCalls: calls.map((c) => ({ id: c.id, name: c.name, input: parseToolArguments(c.arguments) })),
          usage,
          context: response.headers.get('x-claude-code-context'),
          sessionId: response.headers.get('x-claude-session-id'),
          model,
        };
      },
      sendInvalid(options = {}) {
        const params = { model: DEFAULT_MODEL, messages: [] };
        return failureOf(() =>
          options.stream === true
            ? client.chat.completions.create({ ...params, stream: true })
            : client.chat.completions.create(params),
        );
      },
    };
  },
  describeError: describeOpenAIError,
};

/** The rows of the wire contract. */
export const wireApis: readonly WireApi[] = [
  anthropicApi('Anthropic Messages (@anthropic-ai/sdk 1.x)', Anthropic),
  anthropicApi('Anthropic Messages (@anthropic-ai/sdk 0.x)', AnthropicV0 as unknown as AnthropicSdk),
  openaiChat,
  openaiResponses,
];
