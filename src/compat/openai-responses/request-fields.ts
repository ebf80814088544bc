/**
 * @module
 * Every top-level field of an OpenAI Responses request (`ResponseCreateParams` of `openai` 6.x)
 * and what the translation does with it. The README's parameter table is rendered from this, and
 * a test fails when the installed SDK has a field missing here.
 */
import type { FieldTable } from '../request-fields.js';

const NOT_SUPPORTED = 'not supported by the Claude Code CLI';

/** The Responses request fields, in the order the README lists them. */
export const RESPONSES_REQUEST_FIELDS: FieldTable = {
  model: {
    treatment: 'honoured',
    how: 'as on `/v1/messages`: Claude names as sent, others through the model map',
  },
  input: {
    treatment: 'honoured',
    how: 'a string or items: messages (`input_text`, `output_text`, `input_image` data URLs), `function_call`, `function_call_output`; `reasoning` items skipped; files refused',
  },
  instructions: {
    treatment: 'honoured',
    how: 'the system prompt (not carried over by `previous_response_id`)',
  },
  previous_response_id: {
    treatment: 'honoured',
    how: 'continues the stored response: its CLI session resumed, or its suspended tool run continued',
  },
  store: { treatment: 'honoured', how: '`false`: the response is not kept for `previous_response_id`' },
  stream: { treatment: 'honoured', how: 'SSE with the official event sequence' },
  max_output_tokens: { treatment: 'honoured', how: '`max_tokens`' },
  tools: { treatment: 'partly', how: 'function tools → client tools; built-in tools refused (400)' },
  tool_choice: {
    treatment: 'partly',
    how: '`auto`/`none` as sent; `required` and a named function asked for, not enforced',
  },
  parallel_tool_calls: { treatment: 'honoured', how: '`false` → one call per turn' },
  text: {
    treatment: 'partly',
    how: '`format` (`json_schema`, `json_object`) → structured output (`--json-schema`); `verbosity` has no effect',
  },
  reasoning: { treatment: 'partly', how: '`effort` → `--effort`; summaries not available (warning)' },
  user: { treatment: 'honoured', how: '`metadata.user_id`, and echoed in the response' },
  metadata: { treatment: 'honoured', how: 'echoed in the response' },
  safety_identifier: { treatment: 'accepted', how: 'no effect on the run' },
  prompt_cache_key: { treatment: 'accepted', how: 'the CLI manages prompt caching itself' },
  prompt_cache_retention: { treatment: 'accepted', how: 'the CLI manages prompt caching itself' },
  prompt_cache_options: { treatment: 'accepted', how: 'the CLI manages prompt caching itself' },
  stream_options: { treatment: 'accepted', how: 'no effect (events are not obfuscated)' },
  temperature: {
    treatment: 'ignored',
    how: `${NOT_SUPPORTED} (it samples with its own settings)`,
    neutral: [1],
  },
  top_p: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: [1] },
  top_logprobs: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: [0] },
  truncation: {
    treatment: 'ignored',
    how: 'the CLI compacts long conversations itself',
    neutral: ['disabled'],
  },
  include: { treatment: 'ignored', how: 'no extra output data is available' },
  background: { treatment: 'ignored', how: 'responses run in the foreground' },
  service_tier: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: ['auto', 'default'] },
  context_management: { treatment: 'ignored', how: 'the CLI manages its context itself' },
  max_tool_calls: { treatment: 'ignored', how: NOT_SUPPORTED },
  moderation: { treatment: 'ignored', how: NOT_SUPPORTED },
  conversation: {
    treatment: 'refused',
    how: 'stored conversations are not available here; send the history in `input` or use `previous_response_id`',
  },
  prompt: {
    treatment: 'refused',
    how: 'stored prompt templates are not available here; send `instructions` and `input`',
  },
};
