/**
 * @module
 * zod schema for an OpenAI Responses `ResponseCreateParams` body, and
 * {@link parseResponsesRequest}, which turns a failure into a 400 naming the offending field
 * (`input[1].content[0].image_url`). Unknown fields are allowed; only fields this proxy reads or
 * warns about are typed. Input shapes the proxy cannot represent (files, remote images, built-in
 * tools' items) are refused here with a message saying so.
 */
import { z } from 'zod';
import { parseImageDataUrl } from '../openai/data-url.js';
import { toInvalidRequestError } from '../openai/schema-errors.js';
import { echoValue } from '../echo-value.js';
import { modelName } from '../model-name.js';

const unsupported = { code: 'unsupported_value' } as const;

function reject(ctx: z.core.$RefinementCtx, message: string, path: PropertyKey[]): never {
  ctx.addIssue({ code: 'custom', message, path, params: unsupported });
  return z.NEVER;
}

const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

/** `input_image` with an inline data URL, parsed into an Anthropic base64 source. */
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  detail: z.enum(['auto', 'low', 'high', 'original']).nullish(),
  file_id: z.string().nullish(),
  image_url: z
    .string()
    .nullish()
    .transform((url, ctx) => {
      if (url == null) {
        ctx.addIssue({
          code: 'custom',
          message: 'only inline images (a base64 data URL in image_url) are supported; file_id is not',
          params: unsupported,
        });
        return z.NEVER;
      }
      const parsed = parseImageDataUrl(url);
      if (parsed.ok) return { type: parsed.type, media_type: parsed.media_type, data: parsed.data };
      ctx.addIssue({ code: 'custom', message: parsed.reason, params: { code: parsed.code } });
      return z.NEVER;
    }),
});

const contentPart = z
  .discriminatedUnion('type', [
    inputText,
    outputText,
    refusal,
    inputImage,
    z.looseObject({ type: z.literal('input_file') }),
    z.looseObject({ type: z.literal('input_audio') }),
  ])
  .transform((part, ctx) =>
    part.type === 'input_file' || part.type === 'input_audio'
      ? reject(ctx, `content part type '${part.type}' is not supported`, ['type'])
      : part,
  );

/** A message item (`type: 'message'` may be left out, as in `EasyInputMessage`). */
const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPart)]),
});

const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

const functionCallOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)]),
});

/** Re-report a nested parse's issues (paths relative to the value being transformed). */
function forward(ctx: z.core.$RefinementCtx, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) ctx.addIssue(issue as unknown as Parameters<typeof ctx.addIssue>[0]);
}

/** Items the proxy has no use for in a history but that clients replay verbatim. */
const reasoningItem = z.looseObject({ type: z.literal('reasoning') });

const inputItem = z.unknown().transform((item, ctx) => {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    ctx.addIssue({ code: 'invalid_type', expected: 'object', input: item });
    return z.NEVER;
  }
  const type = (item as { type?: unknown }).type;
  const schema =
    type === undefined || type === 'message'
      ? messageItem
      : type === 'function_call'
        ? functionCallItem
        : type === 'function_call_output'
          ? functionCallOutputItem
          : type === 'reasoning'
            ? reasoningItem
            : undefined;
  if (schema === undefined) {
    return reject(ctx, `input item type ${echoValue(type)} is not supported`, ['type']);
  }
  const parsed = schema.safeParse(item, { reportInput: true });
  if (parsed.success) return parsed.data;
  forward(ctx, parsed.error.issues);
  return z.NEVER;
});

/** A validated input item. */
export type InputItem =
  | z.output<typeof messageItem>
  | z.output<typeof functionCallItem>
  | z.output<typeof functionCallOutputItem>
  | z.output<typeof reasoningItem>;

/** A function tool (`{ type: 'function', name, parameters }`); other tool types are refused. */
const tool = z.unknown().transform((value, ctx) => {
  const parsed = functionTool.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type !== 'function') {
    return reject(ctx, `tool type '${type}' is not supported; only function tools are`, ['type']);
  }
  forward(ctx, parsed.error.issues);
  return z.NEVER;
});

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

/** A validated function tool. */
export type FunctionToolParam = z.output<typeof functionTool>;

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), name: z.string().min(1) }),
]);

/** `text.format`: free text, any JSON object, or a JSON Schema. */
const textFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().nullish(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

/** The request body schema. Output type: {@link ResponsesRequest}. */
export const responsesRequestSchema = z
  .looseObject({
    model: modelName,
    input: z.union([z.string(), z.array(inputItem)]).nullish(),
    instructions: z.string().nullish(),
    previous_response_id: z.string().min(1).nullish(),
    store: z.boolean().nullish(),
    stream: z.boolean().nullish(),
    max_output_tokens: z.number().int().positive().nullish(),
    tools: z.array(tool).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    text: z.looseObject({ format: textFormat.nullish(), verbosity: z.unknown().optional() }).nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    reasoning: z
      .looseObject({
        effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
        summary: z.unknown().optional(),
        generate_summary: z.unknown().optional(),
      })
      .nullish(),
    user: z.string().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
  })
  .superRefine((request, ctx) => {
    // As OpenAI: `required` needs tools, and a named function must be one of them.
    const choice = request.tool_choice;
    if (choice === 'required' && (request.tools ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: "'tool_choice' 'required' is only allowed when 'tools' are specified",
      });
      return;
    }
    if (typeof choice !== 'object' || choice === null) return;
    if (!(request.tools ?? []).some((t) => t.name === choice.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice', 'name'],
        message: `no function named ${echoValue(choice.name)} in 'tools'`,
      });
    }
  });

/** A validated Responses request (image URLs already parsed into base64 sources). */
export type ResponsesRequest = z.output<typeof responsesRequestSchema>;

/**
 * Validate an OpenAI Responses request body.
 * @throws {@link OpenAIApiError} 400 `invalid_request_error` naming the first offending field.
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const result = responsesRequestSchema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw toInvalidRequestError(result.error.issues);
}
