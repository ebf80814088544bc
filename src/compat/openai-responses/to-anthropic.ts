/**
 * @module
 * OpenAI Responses request → Anthropic Messages request. The result is run by the gateway like any
 * Messages body; this file only translates.
 *
 * | Responses | Anthropic |
 * |---|---|
 * | `instructions`, `system` / `developer` message items | `system`, joined with blank lines |
 * | `input` string | one user message |
 * | `message` items (`input_text`, `output_text`, `input_image` data URL) | `messages`, consecutive same-role turns merged |
 * | `function_call` item | assistant `tool_use` block (`call_id` → `id`, `arguments` parsed) |
 * | `function_call_output` item | user `tool_result` block |
 * | `previous_response_id` | the stored conversation of that response, put before `input` |
 * | `max_output_tokens` ?? 4096 | `max_tokens` |
 * | `tools` (function), `tool_choice`, `parallel_tool_calls` | `tools`, `tool_choice` |
 * | `text.format` (`json_schema`, `json_object`) | `output_config.format` (`json_schema`) |
 * | `reasoning.effort` (`none`, `minimal` → `low`) | `output_config.effort` |
 * | `user` | `metadata.user_id` |
 *
 * Every field is classified in `request-fields.ts`: those with no equivalent (sampling,
 * `truncation`, ...) and unknown ones are listed in `warnings` and dropped (a 400 naming the field
 * under `strict`); `conversation` and `prompt` are refused.
 */
import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  OutputConfig,
  UserMessageParam,
  AssistantMessageParam,
} from '@anthropic-ai/sdk/resources/messages';
import { invalidRequest } from '../openai/errors.js';
import { findUnsupportedFields, ignoredWarning, refusal, strictRejection } from '../request-fields.js';
import { RESPONSES_REQUEST_FIELDS } from './request-fields.js';
import { parseFunctionArguments } from '../openai/function-arguments.js';
import { functionToolFields, type AnthropicTools } from '../openai/to-anthropic-tools.js';
import { parseResponsesRequest, type InputItem, type ResponsesRequest } from './request-schema.js';

/** `max_tokens` when the client sets no `max_output_tokens`. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/** An Anthropic user or assistant message. */
export type MessageParam = UserMessageParam | AssistantMessageParam;

/** What a stored response remembers for `previous_response_id`: its whole Anthropic history. */
export interface ResponsesConversation {
  /** Input and output of the response and of those it continued, oldest first. */
  readonly messages: readonly MessageParam[];
}

/** A translated Responses request. */
export interface ResponsesTranslation {
  readonly request: ResponsesRequest;
  /** The Anthropic body, without `stream`. */
  readonly params: MessageCreateParamsNonStreaming;
  readonly stream: boolean;
  /** The conversation sent (`params.messages`), as it is remembered. */
  readonly messages: readonly MessageParam[];
  /** `store` is not false: remember the response for `previous_response_id`. */
  readonly store: boolean;
  /** What was ignored or changed on the way, for the warnings header. */
  readonly warnings: string[];
}

/**
 * Validate a Responses body (only). Call {@link toAnthropicFromResponses} with the result and the
 * conversation `previous_response_id` names, if any.
 */
export { parseResponsesRequest };

/**
 * Translate a validated request, continuing `previous` when the request names a previous response.
 * @throws {@link OpenAIApiError} 400 when there is nothing to answer.
 */
export function toAnthropicFromResponses(
  request: ResponsesRequest,
  previous?: ResponsesConversation,
  options: { readonly strict?: boolean | undefined } = {},
): ResponsesTranslation {
  const warnings = fieldWarnings(request, options.strict === true);
  const instructions: string[] = [];
  if (request.instructions != null && request.instructions.trim() !== '') {
    instructions.push(request.instructions);
  }
  const messages: MessageParam[] = (previous?.messages ?? []).map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : [...m.content],
  }));
  const items: readonly InputItem[] =
    typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : (request.input ?? []);
  items.forEach((item, index) => {
    if (item.type === 'reasoning') return;
    if (item.type === undefined || item.type === 'message') {
      if (item.role === 'system' || item.role === 'developer') {
        if (messages.length > 0) {
          warnings.push(`${item.role} message at input[${index}] was moved to the top-level system prompt`);
        }
        const text = typeof item.content === 'string' ? [item.content] : item.content.map(partText);
        instructions.push(...text.filter((t) => t.trim() !== ''));
        return;
      }
      append(messages, item.role, messageBlocks(item.content));
      return;
    }
    if (item.type === 'function_call') {
      const input = parseFunctionArguments(item.arguments, `input[${index}].arguments`);
      append(messages, 'assistant', [{ type: 'tool_use', id: item.call_id, name: item.name, input }]);
      return;
    }
    if (item.type !== 'function_call_output') return;
    const output = typeof item.output === 'string' ? item.output : item.output.map(partText).join('');
    append(messages, 'user', [{ type: 'tool_result', tool_use_id: item.call_id, content: output }]);
  });
  if (messages.length === 0 || messages.at(-1)?.role !== 'user') {
    throw invalidRequest(
      "Invalid value for 'input': at least one user message or function_call_output with content is required after the conversation so far.",
      'input',
      'invalid_value',
    );
  }
  const system = instructions.join('\n\n');
  const params: MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    messages,
    ...(system === '' ? {} : { system }),
    ...(request.user == null ? {} : { metadata: { user_id: request.user } }),
    ...toolFields(request),
    ...toOutputConfig(request, warnings),
  };
  return {
    request,
    params,
    messages,
    stream: request.stream === true,
    store: request.store !== false,
    warnings,
  };
}

/** Parse and translate in one step (no `previous_response_id` lookup). */
export function responsesToAnthropic(body: unknown, previous?: ResponsesConversation): ResponsesTranslation {
  return toAnthropicFromResponses(parseResponsesRequest(body), previous);
}

/**
 * `text.format` and `reasoning.effort` → `output_config`: the Anthropic layer runs a format as the
 * CLI's `--json-schema` (the answer's text is the JSON document) and an effort as `--effort`
 * (`none`, `minimal` → `low`). Reasoning summaries have no equivalent and are warned about.
 */
function toOutputConfig(request: ResponsesRequest, warnings: string[]): { output_config?: OutputConfig } {
  const format = request.text?.format;
  const schema =
    format?.type === 'json_schema'
      ? format.schema
      : format?.type === 'json_object'
        ? { type: 'object' }
        : undefined;
  const requested = request.reasoning?.effort ?? undefined;
  const effort = requested === 'none' || requested === 'minimal' ? 'low' : requested;
  if (request.reasoning?.summary != null || request.reasoning?.generate_summary != null) {
    warnings.push(
      ignoredWarning({ field: 'reasoning.summary', problem: 'reasoning summaries are not available' }),
    );
  }
  if (schema === undefined && effort === undefined) return {};
  return {
    output_config: {
      ...(schema === undefined ? {} : { format: { type: 'json_schema', schema: { ...schema } } }),
      ...(effort === undefined ? {} : { effort }),
    },
  };
}

/**
 * Judge the fields by `RESPONSES_REQUEST_FIELDS`: refused ones are a 400, ignored and unknown ones
 * a warning each (the first a 400 under `strict`).
 * @throws {@link OpenAIApiError} 400 naming the field.
 */
function fieldWarnings(request: ResponsesRequest, strict: boolean): string[] {
  const { ignored, refused } = findUnsupportedFields(request, RESPONSES_REQUEST_FIELDS);
  const problem = refused[0] ?? (strict ? ignored[0] : undefined);
  if (problem !== undefined) {
    const message = refused.length > 0 ? refusal(problem, request[problem.field]) : strictRejection(problem);
    throw invalidRequest(message, problem.field, 'unsupported_parameter');
  }
  const warnings = ignored.map(ignoredWarning);
  if (request.tools?.some((t) => t.strict === true)) {
    warnings.push(
      "'strict' function schemas are not enforced; arguments follow the schema as the model writes them",
    );
  }
  return warnings;
}

/** The function tools and their choice, mapped as chat completions maps them. */
function toolFields(request: ResponsesRequest): AnthropicTools {
  const choice = request.tool_choice;
  return functionToolFields(
    request.tools ?? [],
    typeof choice === 'object' && choice !== null ? { name: choice.name } : choice,
    request.parallel_tool_calls,
  );
}

type Part = Exclude<Extract<InputItem, { role: string }>['content'], string>[number];

function partText(part: Part): string {
  if (part.type === 'input_text' || part.type === 'output_text') return part.text;
  if (part.type === 'refusal') return part.refusal;
  return '';
}

function messageBlocks(content: string | readonly Part[]): ContentBlockParam[] {
  if (typeof content === 'string') return textBlocks(content);
  return content.flatMap((part): ContentBlockParam[] =>
    part.type === 'input_image' ? [{ type: 'image', source: part.image_url }] : textBlocks(partText(part)),
  );
}

function textBlocks(text: string): ContentBlockParam[] {
  return text.trim() === '' ? [] : [{ type: 'text', text }];
}

/** Add blocks as a turn, merging into the previous turn of the same role (roles must alternate). */
function append(messages: MessageParam[], role: 'user' | 'assistant', blocks: ContentBlockParam[]): void {
  if (blocks.length === 0) return;
  const previous = messages.at(-1);
  if (previous !== undefined && previous.role === role) {
    const earlier = typeof previous.content === 'string' ? textBlocks(previous.content) : previous.content;
    previous.content = [...earlier, ...blocks];
  } else {
    messages.push({ role, content: blocks });
  }
}
