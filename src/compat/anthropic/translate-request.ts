/**
 * @module
 * A validated Messages API request → what one CLI run needs: the new user turn as a prompt, run
 * options, and warnings for what cannot be honoured.
 *
 * **Policy for parameters the CLI cannot honour** (`temperature`, `top_p`, `top_k`,
 * Anthropic-defined and server tools, `thinking.budget_tokens`,
 * `speed: 'fast'`, platform fields such as `container`, and unknown top-level fields):
 * - default (lenient): the request runs without them and each one is listed in `warnings`, which
 *   the HTTP server sends back in the `x-claude-code-warnings` header. Code written for the real API
 *   keeps working, with slightly different sampling.
 * - `strict: true`: the request fails with 400 `invalid_request_error` naming the first such
 *   parameter, before anything runs. Use it when silently different behaviour is worse than failing.
 *
 * What is honoured: `model` (resolved to the model that runs by the gateway, `gateway/run-model.ts`:
 * this layer leaves `runOptions.model` unset), `max_tokens` (as the CLI's
 * `CLAUDE_CODE_MAX_OUTPUT_TOKENS`), `system` (replaces Claude Code's system prompt, or is appended
 * to it with `systemPromptMode: 'append'`), `stop_sequences` (the answer is cut at the first one;
 * see `stop-sequences.ts`), `output_config.effort` (`--effort`), `output_config.format` (the run's
 * `jsonSchema`; the answer's text is the JSON document), text and base64 image content,
 * client `tools` and `tool_choice` (see `client-tools.ts`; `any`/`tool` are approximated).
 * Claude Code's own tools are off (`--tools ""`) unless `allowCliTools` is set, so the backend
 * behaves like a plain model.
 */
import type { RunOptions } from '../../client/run-options.js';
import type { PromptBlock } from '../../core/prompt.js';
import { planClientTools, type ClientToolPlan } from './client-tools.js';
import { contentToPromptBlocks, hasPromptContent } from './content-to-prompt.js';
import { invalidRequest } from './errors.js';
import type { MessagesRequest, ParsedRequest, RequestMessage } from './request-schema.js';
import { readToolResults, type ToolResultsTurn } from './tool-results.js';
import { findUnsupportedParams } from './unsupported-params.js';
import { ignoredWarning, strictRejection } from '../request-fields.js';

/** How requests are translated; all fields optional. */
export interface TranslateOptions {
  /** Reject parameters the CLI cannot honour with 400 instead of warning. @default false */
  readonly strict?: boolean | undefined;
  /** `replace` Claude Code's system prompt with `system`, or `append` to it. @default 'replace' */
  readonly systemPromptMode?: 'replace' | 'append' | undefined;
  /** Let the model use Claude Code's built-in tools (Bash, Read, ...). @default false */
  readonly allowCliTools?: boolean | undefined;
  /**
   * The system prompt of a request that sends none, in `replace` mode without CLI tools: the real
   * API sends no system prompt then, so neither should the CLI send its ~7 KB agent prompt (only
   * what it cannot omit: its billing header and one identity line, ~300 bytes). Set it to the
   * wrapper's configured `systemPrompt` to keep that instead. @default ''
   */
  readonly absentSystemPrompt?: string | undefined;
  /** Working directory of the CLI (sessions are stored per directory). */
  readonly workingDirectory?: string | undefined;
  /**
   * Environment from the wrapper configuration. A per-call `env` replaces the configured one, so it
   * is merged here under the variables this layer adds.
   */
  readonly baseEnv?: Readonly<Record<string, string>> | undefined;
}

/** The result of {@link translateRequest}. */
export interface TranslatedRequest {
  /** The NEW user turn (the last message) as prompt blocks. */
  readonly prompt: PromptBlock[];
  /** Options for the CLI run (no `signal`; the caller adds it). */
  readonly runOptions: RunOptions;
  /** One line per parameter that was ignored, e.g. `temperature: not supported ...; ignored`. */
  readonly warnings: string[];
  /** The model id as requested (conversation keys; responses name the model that ran). */
  readonly model: string;
  /** `system` and leading system messages as one string (the conversation's), or undefined when absent or blank. */
  readonly system: string | undefined;
  /** Every message before the new turn. */
  readonly history: readonly RequestMessage[];
  /** The new user turn as sent. */
  readonly newTurn: RequestMessage;
  /** `system` messages after the new turn (their text is in the run's system prompt, not in `system`). */
  readonly trailingSystem?: readonly RequestMessage[] | undefined;
  /** `stop_sequences`, possibly empty. */
  readonly stopSequences: readonly string[];
  /** Whether thinking blocks should be returned (`thinking` enabled or adaptive, not `omitted`). */
  readonly includeThinking: boolean;
  /** The caller's tools, when it defined any. */
  readonly tools: ClientToolPlan | undefined;
  /** The tool results the new turn carries, when it carries any. */
  readonly toolResults: ToolResultsTurn | undefined;
}

/**
 * Translate a parsed request. Pure: no I/O.
 * @throws {@link AnthropicApiError} 400 when the last message is not a user turn, the new turn is
 * empty, or (`strict`) a parameter cannot be honoured.
 */
export function translateRequest(
  parsed: ParsedRequest<MessagesRequest>,
  options: TranslateOptions = {},
): TranslatedRequest {
  const { request } = parsed;
  const unsupported = findUnsupportedParams(request);
  const first = unsupported[0];
  if (options.strict === true && first !== undefined) throw invalidRequest(strictRejection(first));
  const { leadingSystem, history, newTurn, trailingSystem } = splitConversation(request.messages);
  const warnings = unsupported.map(ignoredWarning);
  const tools = planClientTools(request, options, warnings);
  const prompt = contentToPromptBlocks(newTurn.content);
  if (!hasPromptContent(prompt)) {
    throw invalidRequest(
      `messages.${request.messages.length - 1 - trailingSystem.length}.content: the final user message must contain non-empty text or an image`,
    );
  }
  const system = joinSystem([...(request.system ?? []), ...leadingSystem.flatMap((m) => m.content)]);
  // System messages after the new turn reach the model as system prompt of this run (not in the key).
  const runSystem = joinSystem([
    ...(request.system ?? []),
    ...[...leadingSystem, ...trailingSystem].flatMap((m) => m.content),
  ]);
  // tool_choice any/tool cannot be enforced by the CLI: ask for it in this turn only.
  if (tools?.instruction !== undefined) prompt.push({ type: 'text', text: tools.instruction });
  return {
    prompt,
    runOptions: buildRunOptions(request, runSystem, options),
    warnings,
    model: request.model,
    system,
    history,
    newTurn,
    trailingSystem,
    stopSequences: request.stop_sequences ?? [],
    includeThinking: wantsThinking(request.thinking),
    tools,
    toolResults: readToolResults(newTurn),
  };
}

type SystemMessage = Extract<RequestMessage, { role: 'system' }>;

/**
 * Split `messages` into leading `system` messages (they act as system prompt), the history, the
 * new turn, which must be a user message, and the `system` messages after it (trailing: they apply
 * to this turn, as Claude Code sends them). System messages between other turns stay in the history.
 * @throws {@link AnthropicApiError} 400 when no user message ends the conversation (only system
 * messages after it), naming the real problem: a prefill, or no user message at all.
 */
export function splitConversation(messages: readonly RequestMessage[]): {
  leadingSystem: readonly SystemMessage[];
  history: readonly RequestMessage[];
  newTurn: RequestMessage & { role: 'user' };
  trailingSystem: readonly SystemMessage[];
} {
  let end = messages.length;
  while (end > 0 && messages[end - 1]?.role === 'system') end -= 1;
  const last = messages[end - 1];
  if (last === undefined) {
    throw invalidRequest(
      messages.length === 0
        ? 'messages: at least one message is required'
        : 'messages: at least one user message is required; system messages alone are not a turn',
    );
  }
  if (last.role !== 'user') {
    throw invalidRequest(
      `messages.${end - 1}.role: the conversation ends with an assistant message (prefill): continuing a ` +
        'partial assistant message is not supported by the Claude Code backend; end with a user message',
    );
  }
  const firstOther = messages.findIndex((m) => m.role !== 'system');
  const leadingSystem = messages.slice(0, firstOther).filter((m): m is SystemMessage => m.role === 'system');
  const trailingSystem = messages.slice(end).filter((m): m is SystemMessage => m.role === 'system');
  return { leadingSystem, history: messages.slice(firstOther, end - 1), newTurn: last, trailingSystem };
}

/** System text blocks as one string, joined by blank lines. Blank → undefined. */
export function joinSystem(blocks: readonly { readonly text: string }[]): string | undefined {
  const text = blocks.map((b) => b.text).join('\n\n');
  return text.trim() === '' ? undefined : text;
}

function buildRunOptions(
  request: MessagesRequest,
  system: string | undefined,
  options: TranslateOptions,
): RunOptions {
  const effort = request.output_config?.effort ?? undefined;
  const jsonSchema = request.output_config?.format?.schema;
  const replace = options.systemPromptMode !== 'append';
  return {
    ...(system === undefined
      ? replace && options.allowCliTools !== true
        ? { systemPrompt: options.absentSystemPrompt ?? '' }
        : {}
      : !replace
        ? { appendSystemPrompt: system }
        : { systemPrompt: system }),
    ...(options.allowCliTools === true ? {} : { tools: [] }),
    ...(effort === undefined ? {} : { effort }),
    ...(jsonSchema === undefined ? {} : { jsonSchema }),
    ...(options.workingDirectory === undefined ? {} : { workingDirectory: options.workingDirectory }),
    env: { ...options.baseEnv, CLAUDE_CODE_MAX_OUTPUT_TOKENS: String(request.max_tokens) },
  };
}

function wantsThinking(thinking: MessagesRequest['thinking']): boolean {
  if (thinking === undefined) return false;
  if (thinking.type !== 'enabled' && thinking.type !== 'adaptive') return false;
  return thinking.display !== 'omitted';
}
