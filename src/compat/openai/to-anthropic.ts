/**
 * @module
 * OpenAI Chat Completions request → Anthropic Messages request. The result is handed to the
 * Anthropic layer, which runs it through the CLI; this file only translates.
 */
import type { MessageCreateParamsNonStreaming, OutputConfig } from '@anthropic-ai/sdk/resources/messages';
import { findUnsupportedFields, ignoredWarning, strictRejection } from '../request-fields.js';
import { invalidRequest } from './errors.js';
import { CHAT_REQUEST_FIELDS } from './request-fields.js';
import { parseChatCompletionRequest, type ChatCompletionRequest } from './request-schema.js';
import { toAnthropicConversation } from './to-anthropic-messages.js';
import { toAnthropicTools } from './to-anthropic-tools.js';

/** `max_tokens` when the client sets neither `max_completion_tokens` nor `max_tokens`. */
export const DEFAULT_MAX_TOKENS = 4096;

/** A translated request. */
export interface AnthropicRequestTranslation {
  /** The Anthropic body, without `stream`: whether to stream is {@link stream}'s job. */
  readonly params: MessageCreateParamsNonStreaming;
  /** The client asked for `stream: true`. */
  readonly stream: boolean;
  /** Streaming with `stream_options.include_usage`: send a final usage chunk. */
  readonly includeUsage: boolean;
  /** What was ignored or changed on the way, for logs or a response header. */
  readonly warnings: string[];
}

/**
 * Validate an OpenAI Chat Completions body and translate it into Anthropic `MessageCreateParams`.
 *
 * | OpenAI | Anthropic |
 * |---|---|
 * | `system` / `developer` messages | `system`, joined with blank lines |
 * | `user` / `assistant` messages | `messages`, consecutive same-role turns merged |
 * | `image_url` data URL | base64 `image` block |
 * | `max_completion_tokens` ?? `max_tokens` ?? 4096 | `max_tokens` |
 * | `stop` | `stop_sequences` |
 * | `user` | `metadata.user_id` |
 * | `tools`, `tool_choice`, `parallel_tool_calls` | `tools`, `tool_choice` (see `to-anthropic-tools.ts`) |
 * | assistant `tool_calls`, `tool` messages | `tool_use` blocks, user `tool_result` blocks |
 * | `response_format` `json_schema` (strict or not) / `json_object` | `output_config.format` (`json_object`: any object) |
 * | `reasoning_effort` (`none`, `minimal` → `low`) | `output_config.effort` |
 *
 * Every field is classified in `request-fields.ts`: those with no Anthropic equivalent (sampling,
 * logprobs, ...) and unknown ones are validated, then listed in `warnings` and dropped (a 400
 * naming the field under `strict`).
 *
 * @param body - the parsed JSON body, untrusted
 * @throws {@link OpenAIApiError} 400 for an invalid or unsupported request (field named in `param`)
 * @example
 * ```ts
 * const { params, stream } = toAnthropicRequest({ model: 'sonnet', messages: [{ role: 'user', content: 'Hi' }] });
 * // params: { model: 'sonnet', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }
 * ```
 */
export function toAnthropicRequest(
  body: unknown,
  options: { readonly strict?: boolean | undefined } = {},
): AnthropicRequestTranslation {
  const request = parseChatCompletionRequest(body);
  const warnings = ignoredParamWarnings(request, options.strict === true);
  const { system, messages } = toAnthropicConversation(request.messages, warnings);
  // An empty stop sequence has nothing to match; drop it rather than pass it on.
  const stop = (request.stop == null ? [] : [request.stop].flat()).filter((sequence) => sequence !== '');
  const params: MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system === undefined ? {} : { system }),
    ...(stop.length === 0 ? {} : { stop_sequences: stop }),
    ...(request.user == null ? {} : { metadata: { user_id: request.user } }),
    ...toAnthropicTools(request, warnings),
    ...toOutputConfig(request),
  };
  const stream = request.stream === true;
  return { params, stream, includeUsage: stream && request.stream_options?.include_usage === true, warnings };
}

/**
 * One warning per field `CHAT_REQUEST_FIELDS` says is dropped (set to a non-default value) or does
 * not know, so a client that sends `logprobs: false` or `temperature: 1` hears nothing.
 * @throws {@link OpenAIApiError} 400 naming the first such field under `strict`.
 */
function ignoredParamWarnings(request: ChatCompletionRequest, strict: boolean): string[] {
  const { ignored } = findUnsupportedFields(request, CHAT_REQUEST_FIELDS);
  const first = ignored[0];
  if (strict && first !== undefined)
    throw invalidRequest(strictRejection(first), first.field, 'unsupported_parameter');
  return ignored.map(ignoredWarning);
}

/** The schema `json_object` asks for: any JSON object. */
export const ANY_OBJECT_SCHEMA: Readonly<Record<string, unknown>> = { type: 'object' };

/**
 * `response_format` and `reasoning_effort` → `output_config`: the Anthropic layer runs a format as
 * the CLI's `--json-schema` (the answer's text is the JSON document) and an effort as `--effort`.
 * `strict` needs nothing more: the CLI validates the document against the schema.
 */
function toOutputConfig(request: ChatCompletionRequest): { output_config?: OutputConfig } {
  const format = request.response_format;
  const schema =
    format?.type === 'json_schema'
      ? (format.json_schema.schema ?? ANY_OBJECT_SCHEMA)
      : format?.type === 'json_object'
        ? ANY_OBJECT_SCHEMA
        : undefined;
  const requested = request.reasoning_effort ?? undefined;
  const effort = requested === 'none' || requested === 'minimal' ? 'low' : requested;
  if (schema === undefined && effort === undefined) return {};
  return {
    output_config: {
      ...(schema === undefined ? {} : { format: { type: 'json_schema', schema: { ...schema } } }),
      ...(effort === undefined ? {} : { effort }),
    },
  };
}
