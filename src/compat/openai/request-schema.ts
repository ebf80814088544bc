/**
 * @module
 * zod schema for an OpenAI `ChatCompletionCreateParams` body, and {@link parseChatCompletionRequest},
 * which turns a failure into a 400 naming the offending field. Unknown fields are allowed (clients
 * send new parameters before proxies know them); only fields this proxy reads or warns about are
 * typed.
 */
import { z } from 'zod';
import { echoValue } from '../echo-value.js';
import { modelName } from '../model-name.js';
import { chatMessageSchema } from './message-schema.js';
import { toInvalidRequestError } from './schema-errors.js';

const penalty = z.number().min(-2).max(2).nullish();

/** A function tool; `parameters` is its JSON Schema (an object with no properties when absent). */
const functionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

/** `none`, `auto`, `required`, or one named function. */
const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
]);

/** The request body schema. Output type: {@link ChatCompletionRequest}. */
export const chatCompletionRequestSchema = z
  .looseObject({
    model: modelName,
    messages: z.array(chatMessageSchema).min(1),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    stop: z.union([z.string(), z.array(z.string())]).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    n: z
      .number()
      .int()
      .superRefine((n, ctx) => {
        // The CLI produces one reply per run; n > 1 would mean n full runs for one request.
        if (n !== 1) {
          const message = `only n=1 is supported, got ${n}`;
          ctx.addIssue({ code: 'custom', message, params: { code: 'unsupported_value' } });
        }
      })
      .nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
    tools: z.array(functionTool).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: z
      .discriminatedUnion('type', [
        z.looseObject({ type: z.literal('text') }),
        z.looseObject({ type: z.literal('json_object') }),
        z.looseObject({
          type: z.literal('json_schema'),
          json_schema: z.looseObject({
            name: z.string().min(1),
            schema: z.record(z.string(), z.unknown()).nullish(),
            strict: z.boolean().nullish(),
            description: z.string().nullish(),
          }),
        }),
      ])
      .nullish(),
    reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullish(),
    user: z.string().nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: penalty,
    frequency_penalty: penalty,
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).nullish(),
    logit_bias: z.record(z.string(), z.number()).nullish(),
  })
  .superRefine((request, ctx) => {
    // As OpenAI: a tool_choice other than none/auto needs tools, and a named function must be one.
    const choice = request.tool_choice;
    if (choice === undefined || choice === null || choice === 'none' || choice === 'auto') return;
    const names = new Set((request.tools ?? []).map((tool) => tool.function.name));
    if (names.size === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: "'tool_choice' is only allowed when 'tools' are specified",
      });
    } else if (typeof choice === 'object' && !names.has(choice.function.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice', 'function', 'name'],
        message: `no function named ${echoValue(choice.function.name)} in 'tools'`,
      });
    }
  });

/** A validated Chat Completions request (image URLs already parsed into base64 sources). */
export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;

/**
 * Validate an OpenAI Chat Completions request body.
 *
 * @param body - the parsed JSON body, untrusted
 * @throws {@link OpenAIApiError} 400 `invalid_request_error` whose `param` and message name the first
 * offending field, e.g. `Invalid value for 'n': only n=1 is supported, got 2.`
 */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  // reportInput lets the error message say what was received, and tell "missing" from "wrong type".
  const result = chatCompletionRequestSchema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw toInvalidRequestError(result.error.issues);
}
