/**
 * @module
 * Every top-level field of an OpenAI Chat Completions request (`ChatCompletionCreateParams` of
 * `openai` 6.x) and what the translation to a Messages request does with it. The README's parameter
 * table is rendered from this, and a test fails when the installed SDK has a field missing here.
 */
import type { FieldTable } from '../request-fields.js';

const NOT_SUPPORTED = 'not supported by the Claude Code CLI';

/** The Chat Completions request fields, in the order the README lists them. */
export const CHAT_REQUEST_FIELDS: FieldTable = {
  model: {
    treatment: 'honoured',
    how: 'as on `/v1/messages`: Claude names as sent, others through the model map',
  },
  messages: {
    treatment: 'honoured',
    how: '`system`/`developer` → system prompt; user/assistant/tool turns, `image_url` data URLs, `tool_calls`',
  },
  max_completion_tokens: { treatment: 'honoured', how: '`max_tokens` (4096 when neither is set)' },
  max_tokens: { treatment: 'honoured', how: '`max_tokens` when `max_completion_tokens` is absent' },
  stop: { treatment: 'honoured', how: '`stop_sequences`' },
  stream: { treatment: 'honoured', how: '`data:` chunks ending in `[DONE]`' },
  stream_options: { treatment: 'honoured', how: '`include_usage`: a final usage chunk' },
  tools: { treatment: 'honoured', how: 'function tools → client tools' },
  tool_choice: {
    treatment: 'partly',
    how: '`auto`/`none` as sent; `required` and a named function asked for, not enforced',
  },
  parallel_tool_calls: {
    treatment: 'honoured',
    how: '`false` → one call per turn (`disable_parallel_tool_use`)',
  },
  response_format: {
    treatment: 'honoured',
    how: '`json_schema` (strict or not) / `json_object` → structured output (`--json-schema`)',
  },
  reasoning_effort: { treatment: 'honoured', how: '`--effort` (`none`, `minimal` → `low`)' },
  n: { treatment: 'partly', how: 'only `1` (a 400 otherwise: one run gives one reply)' },
  user: { treatment: 'honoured', how: '`metadata.user_id`' },
  metadata: { treatment: 'accepted', how: 'no effect on the run (nothing is stored)' },
  safety_identifier: { treatment: 'accepted', how: 'no effect on the run' },
  prompt_cache_key: { treatment: 'accepted', how: 'the CLI manages prompt caching itself' },
  prompt_cache_retention: { treatment: 'accepted', how: 'the CLI manages prompt caching itself' },
  prompt_cache_options: { treatment: 'accepted', how: 'the CLI manages prompt caching itself' },
  temperature: {
    treatment: 'ignored',
    how: `${NOT_SUPPORTED} (it samples with its own settings)`,
    neutral: [1],
  },
  top_p: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: [1] },
  presence_penalty: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: [0] },
  frequency_penalty: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: [0] },
  seed: { treatment: 'ignored', how: NOT_SUPPORTED },
  logit_bias: { treatment: 'ignored', how: NOT_SUPPORTED },
  logprobs: { treatment: 'ignored', how: NOT_SUPPORTED },
  top_logprobs: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: [0] },
  functions: { treatment: 'ignored', how: 'deprecated; send `tools`' },
  function_call: { treatment: 'ignored', how: 'deprecated; send `tool_choice`', neutral: ['none', 'auto'] },
  modalities: { treatment: 'ignored', how: 'only text output', neutral: [['text']] },
  audio: { treatment: 'ignored', how: 'only text output' },
  prediction: { treatment: 'ignored', how: NOT_SUPPORTED },
  web_search_options: { treatment: 'ignored', how: 'no web search through this API' },
  verbosity: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: ['medium'] },
  service_tier: { treatment: 'ignored', how: NOT_SUPPORTED, neutral: ['auto', 'default'] },
  store: { treatment: 'ignored', how: 'completions are not stored' },
  moderation: { treatment: 'ignored', how: NOT_SUPPORTED },
};
