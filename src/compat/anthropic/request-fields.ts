/**
 * @module
 * Every top-level field of a Messages API request (`MessageCreateParams` of `@anthropic-ai/sdk`
 * 1.x, plus the sampling fields 0.x still sends) and what this backend does with it. The README's
 * parameter table is rendered from this, and a test fails when the installed SDK has a field that
 * is missing here.
 */
import type { FieldTable } from '../request-fields.js';

const NOT_SUPPORTED = 'not supported by the Claude Code CLI';
const PLATFORM = `${NOT_SUPPORTED} (a platform feature with no CLI equivalent)`;

/** The Messages request fields, in the order the README lists them. */
export const MESSAGES_REQUEST_FIELDS: FieldTable = {
  model: {
    treatment: 'honoured',
    how: "`--model`: a CLI alias or `claude-*` id as sent; other names through the server's model map",
  },
  messages: {
    treatment: 'honoured',
    how: 'history resumed or synthesized as a CLI session, the last user turn sent on stdin; `system` messages at any position',
  },
  max_tokens: { treatment: 'honoured', how: "the CLI's `CLAUDE_CODE_MAX_OUTPUT_TOKENS`" },
  system: { treatment: 'honoured', how: "the CLI's system prompt (replaced, or appended in append mode)" },
  stop_sequences: {
    treatment: 'honoured',
    how: 'the answer is cut at the first one (`stop_reason: "stop_sequence"`)',
  },
  stream: { treatment: 'honoured', how: 'SSE with the API’s event sequence' },
  tools: {
    treatment: 'partly',
    how: 'client (custom) tools run through the client tool bridge; Anthropic-defined and server tools are dropped with a warning',
  },
  tool_choice: {
    treatment: 'partly',
    how: '`auto`/`none` as sent; `any` and `tool` asked for in the turn, not enforced',
  },
  output_config: {
    treatment: 'honoured',
    how: '`format` (`json_schema`) → `--json-schema`, the answer’s text is the document; `effort` → `--effort`',
  },
  thinking: {
    treatment: 'partly',
    how: 'thinking blocks returned unless `omitted`/disabled; the CLI sets its own budget (`budget_tokens` warned about)',
  },
  speed: { treatment: 'partly', how: '`standard` as is; `fast` is not available through this API (warning)' },
  metadata: { treatment: 'accepted', how: 'no effect on the run' },
  service_tier: { treatment: 'accepted', how: 'no effect on the run' },
  cache_control: { treatment: 'accepted', how: 'the CLI manages prompt caching itself' },
  // Claude Code sends it on every request; warning about it would be noise on every turn.
  context_management: { treatment: 'accepted', how: 'the CLI manages its context (compaction) itself' },
  temperature: { treatment: 'ignored', how: `${NOT_SUPPORTED} (it samples with its own settings)` },
  top_p: { treatment: 'ignored', how: NOT_SUPPORTED },
  top_k: { treatment: 'ignored', how: NOT_SUPPORTED },
  container: { treatment: 'ignored', how: PLATFORM },
  diagnostics: { treatment: 'ignored', how: PLATFORM },
  inference_geo: { treatment: 'ignored', how: PLATFORM },
  user_profile_id: { treatment: 'ignored', how: PLATFORM },
  workspace_id: { treatment: 'ignored', how: PLATFORM },
};
