/**
 * @module
 * The zod schema of a Messages API request body (`MessageCreateParams`), and parsing that fails the
 * way the real API does: a 400 `invalid_request_error` whose message starts with the field path
 * (`messages.1.content.0.source: ...`). String content is normalised to one text block while parsing,
 * so later stages only ever see block arrays.
 */
import { z } from 'zod';
import { modelName } from '../model-name.js';
import { planClientTools, type PlanToolsOptions } from './client-tools.js';
import { invalidRequest } from './errors.js';
import { MESSAGES_REQUEST_FIELDS } from './request-fields.js';
import { formatFirstIssue } from './format-issue.js';
import { toolChoiceSchema, toolSchema } from './tool-schema.js';

// `"hi"` is shorthand for `[{ type: 'text', text: 'hi' }]` in the API; normalise it once, here.
const stringAsTextBlocks = (value: unknown): unknown =>
  typeof value === 'string' ? [{ type: 'text', text: value }] : value;

const textBlock = z.object({ type: z.literal('text'), text: z.string() }).loose();

const base64Source = z
  .object({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  })
  .loose();

// The CLI only takes inline images; fetching URLs on the server would be an SSRF hazard anyway.
const urlSource = z
  .object({ type: z.literal('url'), url: z.string() })
  .loose()
  .refine(() => false, {
    message:
      'image URLs are not supported by the Claude Code backend; send the image inline with source.type "base64"',
  });

const imageBlock = z
  .object({ type: z.literal('image'), source: z.discriminatedUnion('type', [base64Source, urlSource]) })
  .loose();

const toolUseBlock = z
  .object({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.record(z.string(), z.unknown()),
  })
  .loose();

const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z
      .preprocess(stringAsTextBlocks, z.array(z.discriminatedUnion('type', [textBlock, imageBlock])))
      .optional(),
    is_error: z.boolean().optional(),
  })
  .loose();

const thinkingBlock = z
  .object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() })
  .loose();
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() }).loose();

const contentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);

const blocks = z.preprocess(stringAsTextBlocks, z.array(contentBlock));
const textBlocks = z.preprocess(stringAsTextBlocks, z.array(textBlock));

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: blocks }).loose(),
  z.object({ role: z.literal('assistant'), content: blocks }).loose(),
  z.object({ role: z.literal('system'), content: textBlocks }).loose(),
]);

const unitInterval = z.number().min(0).max(1);

const thinkingDisplay = z.enum(['summarized', 'omitted']).nullable().optional();

const thinking = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('enabled'),
      budget_tokens: z.number().int().min(1024),
      display: thinkingDisplay,
    })
    .loose(),
  z.object({ type: z.literal('disabled') }).loose(),
  z.object({ type: z.literal('adaptive'), display: thinkingDisplay }).loose(),
  z.object({ type: z.literal('between_tools') }).loose(),
]);

/** Fields shared by `messages.create` and `messages.countTokens`. */
const commonShape = {
  model: modelName,
  messages: z.array(message).min(1),
  system: textBlocks.optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinking.optional(),
  output_config: z
    .object({
      effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullable().optional(),
      // Structured output (`--json-schema`): the document becomes the answer's text.
      format: z
        .object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
        .loose()
        .nullable()
        .optional(),
    })
    .loose()
    .optional(),
  // Known to the SDK, accepted, and judged by the translation (ignored or reported).
  cache_control: z.unknown().optional(),
  container: z.unknown().optional(),
  diagnostics: z.unknown().optional(),
  inference_geo: z.unknown().optional(),
  speed: z.enum(['standard', 'fast']).nullable().optional(),
  user_profile_id: z.unknown().optional(),
  workspace_id: z.unknown().optional(),
};

/** Schema of a `POST /v1/messages` body. Unknown top-level fields are allowed (see {@link parseMessagesRequest}). */
export const messagesRequestSchema = z
  .object({
    ...commonShape,
    max_tokens: z.number().int().min(1),
    stop_sequences: z.array(z.string().min(1)).optional(),
    // Older SDKs still send the sampling parameters; they are accepted and reported as unsupported.
    temperature: unitInterval.optional(),
    top_p: unitInterval.optional(),
    top_k: z.number().int().min(0).optional(),
    stream: z.boolean().optional(),
    metadata: z.object({ user_id: z.string().nullable().optional() }).loose().optional(),
    service_tier: z.enum(['auto', 'standard_only']).optional(),
  })
  .loose();

/** Schema of a `POST /v1/messages/count_tokens` body. */
export const countTokensRequestSchema = z.object(commonShape).loose();

/** A validated request body; every `content` is a block array. */
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
/** A validated count-tokens body. */
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
/** One validated input message. */
export type RequestMessage = MessagesRequest['messages'][number];
export type { RequestTool } from './tool-schema.js';
/** One validated content block of a user or assistant message. */
export type RequestContentBlock = Extract<RequestMessage, { role: 'user' }>['content'][number];

/** A parsed body plus the top-level fields the schema does not know. */
export interface ParsedRequest<T> {
  readonly request: T;
  /** Top-level field names that are not part of the API (`request-fields.ts`; reported, never fatal unless `strict`). */
  readonly unknownFields: readonly string[];
}

/**
 * Validate a `messages.create` body.
 * @throws {@link AnthropicApiError} 400 `invalid_request_error`, e.g. `messages.0.role: Input should be 'user', 'assistant' or 'system'`.
 */
export function parseMessagesRequest(body: unknown): ParsedRequest<MessagesRequest> {
  return parseWith(messagesRequestSchema, body);
}

/**
 * Validate a `messages.countTokens` body, including `tools` and `tool_choice` the way
 * `messages.create` checks them (names, uniqueness, input schemas, a choice that needs tools), so a
 * request counted as fine is not then refused when sent.
 * @throws {@link AnthropicApiError} 400 `invalid_request_error` naming the field.
 */
export function parseCountTokensRequest(
  body: unknown,
  toolOptions: PlanToolsOptions = {},
): ParsedRequest<CountTokensRequest> {
  const parsed = parseWith(countTokensRequestSchema, body);
  // Warnings (unsupported tool types) matter to a run, not to a count.
  planClientTools(parsed.request, toolOptions, []);
  return parsed;
}

function parseWith<T>(schema: z.ZodObject & z.ZodType<T>, body: unknown): ParsedRequest<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (!result.success) throw invalidRequest(formatFirstIssue(result.error.issues, body));
  const known = new Set([...Object.keys(schema.shape), ...Object.keys(MESSAGES_REQUEST_FIELDS)]);
  const unknownFields = Object.keys(body).filter((key) => !known.has(key));
  return { request: result.data, unknownFields };
}
