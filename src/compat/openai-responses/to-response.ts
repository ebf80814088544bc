/**
 * @module
 * Anthropic `Message` → OpenAI `Response` (non-streaming), the shared pieces of a response object
 * (ids, usage, status) used by the stream translation too, and the way back: a finished
 * `Response` as the Anthropic assistant turn remembered for `previous_response_id`.
 */
import { randomUUID } from 'node:crypto';
import type { ContentBlockParam, Message, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import type {
  Response,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseUsage,
} from 'openai/resources/responses/responses';
import type { MessageParam, ResponsesTranslation } from './to-anthropic.js';

/** The token counts read from an Anthropic usage (cache counts may be absent). */
export type UsageLike = Pick<Usage, 'input_tokens' | 'output_tokens'> &
  Partial<Pick<Usage, 'cache_read_input_tokens' | 'cache_creation_input_tokens'>>;

/** What every response object of one request shares. */
export interface ResponseFrame {
  /** `resp_...`. */
  readonly id: string;
  /** Unix seconds. */
  readonly createdAt: number;
  /**
   * The model the client asked for, until the answer names the model that ran (its
   * `message_start`), which every response object from then on carries.
   */
  readonly model: string;
  readonly translation: Pick<ResponsesTranslation, 'request'>;
}

/** A new response id: `resp_` and 32 hex digits. */
export function newResponseId(): string {
  return `resp_${randomUUID().replaceAll('-', '')}`;
}

/** A new output item id with `prefix` (`msg`, `fc`). */
export function newItemId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

/** The frame of a response answering `translation`. */
export function responseFrame(
  translation: Pick<ResponsesTranslation, 'request'>,
  id = newResponseId(),
): ResponseFrame {
  return { id, createdAt: Math.floor(Date.now() / 1000), model: translation.request.model, translation };
}

/** Anthropic usage → Responses usage (input counts include cache reads and writes, as OpenAI's do). */
export function toResponseUsage(usage: UsageLike): ResponseUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const input = usage.input_tokens + cacheRead + cacheWrite;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + usage.output_tokens,
  };
}

/**
 * A response object in `status` with `output`. `usage` is set once known; a response cut by
 * `max_tokens` is `incomplete` with `incomplete_details.reason: 'max_output_tokens'`.
 */
export function buildResponse(
  frame: ResponseFrame,
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed',
  output: ResponseOutputItem[],
  usage?: UsageLike,
): Response {
  const request = frame.translation.request;
  const outputText = output
    .flatMap((item) => (item.type === 'message' ? item.content : []))
    .flatMap((part) => (part.type === 'output_text' ? [part.text] : []))
    .join('');
  const format = request.text?.format;
  const response: Response = {
    id: frame.id,
    object: 'response',
    created_at: frame.createdAt,
    status,
    ...(status === 'completed' || status === 'incomplete'
      ? { completed_at: Math.floor(Date.now() / 1000) }
      : {}),
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: (request.metadata as Record<string, string> | null | undefined) ?? {},
    model: frame.model,
    output,
    output_text: outputText,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    temperature: request.temperature ?? 1,
    top_p: request.top_p ?? 1,
    text: {
      format:
        format == null ? { type: 'text' } : (format as NonNullable<Response['text']>['format'] & object),
    },
    tool_choice: (request.tool_choice ?? 'auto') as Response['tool_choice'],
    tools: (request.tools ?? []).map((tool) => ({
      type: 'function' as const,
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    truncation: 'disabled',
    ...(request.user == null ? {} : { user: request.user }),
    ...(usage === undefined ? {} : { usage: toResponseUsage(usage) }),
  };
  return response;
}

/** `completed`, or `incomplete` when the answer was cut by the token limit. */
export function finalStatus(stopReason: StopReason | null | undefined): 'completed' | 'incomplete' {
  return stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded'
    ? 'incomplete'
    : 'completed';
}

/** An assistant message item holding `text`. */
export function messageItem(
  id: string,
  text: string,
  status: ResponseOutputMessage['status'],
): ResponseOutputMessage {
  return {
    id,
    type: 'message',
    role: 'assistant',
    status,
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

/** A function call item. */
export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: NonNullable<ResponseFunctionToolCall['status']>,
): ResponseFunctionToolCall & { id: string } {
  return { id, type: 'function_call', call_id: callId, name, arguments: args, status };
}

/**
 * Translate a finished Anthropic message into a `Response`: each text block as a `message` item
 * (as the stream sends them, one item per block), each `tool_use` block as a `function_call` item
 * whose `call_id` is the tool use id.
 */
export function toResponse(
  message: Pick<Message, 'content' | 'stop_reason'> & Partial<Pick<Message, 'model'>> & { usage: UsageLike },
  frame: ResponseFrame,
): Response {
  const output = message.content.flatMap((block): ResponseOutputItem[] => {
    if (block.type === 'text') return [messageItem(newItemId('msg'), block.text, 'completed')];
    if (block.type !== 'tool_use') return [];
    const args = JSON.stringify(block.input ?? {});
    return [functionCallItem(newItemId('fc'), block.id, block.name, args, 'completed')];
  });
  const ran = message.model ? { ...frame, model: message.model } : frame;
  return buildResponse(ran, finalStatus(message.stop_reason), output, message.usage);
}

/**
 * The assistant turn a finished response adds to its conversation (for `previous_response_id`):
 * `message` items as text blocks, `function_call` items as `tool_use` blocks. Undefined when the
 * response produced nothing.
 */
export function assistantTurn(response: Pick<Response, 'output'>): MessageParam | undefined {
  const content: ContentBlockParam[] = [];
  for (const item of response.output) {
    if (item.type === 'message') {
      const text = item.content
        .map((part) => (part.type === 'output_text' ? part.text : part.refusal))
        .join('');
      const last = content.at(-1);
      // Adjacent text is one answer (as the conversation store keys it).
      if (last?.type === 'text') content[content.length - 1] = { type: 'text', text: last.text + text };
      else if (text.trim() !== '') content.push({ type: 'text', text });
    } else if (item.type === 'function_call') {
      const input = parseJsonObject(item.arguments);
      content.push({ type: 'tool_use', id: item.call_id, name: item.name, input });
    }
  }
  return content.length === 0 ? undefined : { role: 'assistant', content };
}

function parseJsonObject(json: string): unknown {
  try {
    return json.trim() === '' ? {} : (JSON.parse(json) as unknown);
  } catch {
    return {};
  }
}
