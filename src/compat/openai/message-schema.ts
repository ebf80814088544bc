/**
 * @module
 * zod schemas for the `messages` array of an OpenAI Chat Completions request. Shapes this proxy
 * cannot represent (remote images, audio, files, legacy `function` turns) are rejected here with a
 * message saying so, so the translation step only ever sees input it can map. Unknown fields are
 * allowed. Tool calls (`assistant.tool_calls`) and tool results (`role: 'tool'`) are supported.
 */
import { z } from 'zod';
import { parseImageDataUrl } from './data-url.js';

/** Marks a custom issue as "valid OpenAI, but not supported here" for the error `code`. */
const unsupported = { code: 'unsupported_value' } as const;

/**
 * Fail validation for a shape that is valid OpenAI but unsupported here. Used inside `.transform`,
 * so the output type no longer contains that shape.
 */
function reject(ctx: z.core.$RefinementCtx, message: string, path: PropertyKey[]): never {
  ctx.addIssue({ code: 'custom', message, path, params: unsupported });
  return z.NEVER;
}

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });

const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

/** An `image_url` part; its URL is parsed into an Anthropic base64 source during validation. */
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string().transform((url, ctx) => {
      const parsed = parseImageDataUrl(url);
      if (parsed.ok) return { type: parsed.type, media_type: parsed.media_type, data: parsed.data };
      ctx.addIssue({ code: 'custom', message: parsed.reason, params: { code: parsed.code } });
      return z.NEVER;
    }),
    detail: z.enum(['auto', 'low', 'high']).nullish(),
  }),
});

const userPart = z
  .discriminatedUnion('type', [
    textPart,
    imagePart,
    z.looseObject({ type: z.literal('input_audio') }),
    z.looseObject({ type: z.literal('file') }),
  ])
  .transform((part, ctx) =>
    part.type === 'text' || part.type === 'image_url'
      ? part
      : reject(ctx, `content part type '${part.type}' is not supported`, ['type']),
  );

const instructionContent = z.union([z.string(), z.array(textPart)]);

const systemMessage = z.looseObject({
  role: z.literal('system'),
  content: instructionContent,
  name: z.string().nullish(),
});

const developerMessage = z.looseObject({
  role: z.literal('developer'),
  content: instructionContent,
  name: z.string().nullish(),
});

const userMessage = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userPart)]),
  name: z.string().nullish(),
});

/** One function call of an assistant turn; `arguments` is the JSON text the model produced. */
const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const assistantMessage = z
  .looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
    refusal: z.string().nullish(),
    name: z.string().nullish(),
    tool_calls: z.array(toolCall).nullish(),
    function_call: z.unknown().optional(),
  })
  .superRefine((message, ctx) => {
    if (message.function_call != null) {
      const text = 'assistant function_call is not supported; use tool_calls';
      ctx.addIssue({ code: 'custom', message: text, path: ['function_call'], params: unsupported });
    }
  });

/** The result of one tool call, answering `tool_call_id`. */
const toolMessage = z.looseObject({
  role: z.literal('tool'),
  tool_call_id: z.string().min(1),
  content: z.union([z.string(), z.array(textPart)]),
});

/** One entry of `messages`, after validation (image URLs already parsed, legacy turns refused). */
export const chatMessageSchema = z
  .discriminatedUnion('role', [
    systemMessage,
    developerMessage,
    userMessage,
    assistantMessage,
    toolMessage,
    z.looseObject({ role: z.literal('function') }),
  ])
  .transform((message, ctx) => {
    if (message.role === 'function')
      return reject(ctx, 'function messages are not supported; use tool messages', ['role']);
    return message;
  });

/** A validated message. */
export type ChatMessage = z.output<typeof chatMessageSchema>;

/** A validated system or developer message. */
export type InstructionMessage = Extract<ChatMessage, { role: 'system' | 'developer' }>;

/** A validated user or assistant message. */
export type ConversationMessage = Extract<ChatMessage, { role: 'user' | 'assistant' }>;

/** A validated tool result message. */
export type ToolMessage = Extract<ChatMessage, { role: 'tool' }>;
