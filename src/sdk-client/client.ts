/**
 * @module
 * `ClaudeCodeAnthropic`: a drop-in for the parts of `@anthropic-ai/sdk`'s `Anthropic` client that
 * code usually touches (`messages.create`, `messages.stream`, `messages.countTokens`,
 * `models.list`, `models.retrieve`), answered by the local Claude Code CLI instead of the API.
 */
import { ClaudeCodeWrapper } from '../client/wrapper.js';
import type { ClaudeCodeConfig } from '../core/config/schema.js';
import type { SessionStore } from '../session/session-store.js';
import { ClaudeCodeMessages } from './messages-resource.js';
import { AnthropicMessagesService } from '../gateway/messages-service.js';
import { ClaudeCodeModels } from './models-resource.js';
import type { ExpiredToolResultsPolicy } from '../gateway/tool-runs.js';
import {
  KEPT_PROCESS_DEFAULTS,
  MAX_KEPT_PROCESSES,
  type KeptProcessesSettings,
} from '../gateway/conversation-affinity.js';
import { parseOrThrow } from '../core/config/validate.js';
import { z } from 'zod';

/** Options of {@link ClaudeCodeAnthropic}: any wrapper configuration, plus how requests are translated. */
export interface ClaudeCodeAnthropicOptions extends Partial<ClaudeCodeConfig> {
  /** Reject parameters the CLI cannot honour (e.g. `temperature`) with 400 instead of ignoring them. @default false */
  readonly strict?: boolean | undefined;
  /** `replace` Claude Code's system prompt with `system`, or `append` to it. @default 'replace' */
  readonly systemPromptMode?: 'replace' | 'append' | undefined;
  /** Let the model use Claude Code's built-in tools (Bash, Read, ...). @default false */
  readonly allowCliTools?: boolean | undefined;
  /**
   * `--model` for requests naming a model that is not a Claude model, alias or `modelMap` entry
   * (they run it with a warning). Unset: `model` from this config, else the CLI default.
   */
  readonly defaultModel?: string | undefined;
  /** Requested model name → Claude model or alias, merged over the built-in map (`gpt-4o` → `sonnet`, ...). */
  readonly modelMap?: Readonly<Record<string, string>> | undefined;
  /** Conversation key → session id store, for multi-turn continuation. @default in-memory */
  readonly sessionStore?: SessionStore | undefined;
  /**
   * Tool results for a call whose suspended run is gone (`toolResultTimeoutMs` passed): `replay`
   * answers from the conversation history, `reject` throws a 400 {@link AnthropicApiError}.
   * @default 'replay'
   */
  readonly expiredToolResults?: ExpiredToolResultsPolicy | undefined;
  /** Use this wrapper instead of creating one from the configuration fields. */
  readonly wrapper?: ClaudeCodeWrapper | undefined;
  /**
   * Keep the CLI process that answered a turn alive for the conversation's next turn, as the proxy
   * does: a call whose `messages` continue exactly that conversation (same history, model, system
   * prompt and settings) goes to it, with no start-up and no resume (~0.1x the time of a turn that
   * resumes in a new process). `true` takes the proxy's limits (4 processes, 5 minutes idle,
   * 1 GiB); an object sets any of them. Off by default: kept processes keep Node running until
   * {@link ClaudeCodeAnthropic.close} (or their idle time) ends them.
   */
  readonly conversationProcesses?: boolean | Partial<KeptProcessesSettings> | undefined;
}

/**
 * An Anthropic-SDK-shaped client backed by the Claude Code CLI. Errors are {@link AnthropicApiError}s
 * with `status` and `type` like the SDK's `APIError`. Client tools work as with the API: a response
 * with `stop_reason: 'tool_use'` leaves the CLI run waiting, and the next call carrying the
 * `tool_result` blocks continues it (see `src/tools/README.md`).
 *
 * @example
 * ```ts
 * const client = new ClaudeCodeAnthropic({ timeoutMs: 120_000 });
 * const message = await client.messages.create({
 *   model: 'claude-sonnet-5-5',
 *   max_tokens: 1024,
 *   messages: [{ role: 'user', content: 'Hello' }],
 * });
 * const text = await client.messages.stream({ model: 'sonnet', max_tokens: 256, messages }).finalText();
 * ```
 */
export class ClaudeCodeAnthropic {
  /** `create`, `stream`, `countTokens`. */
  readonly messages: ClaudeCodeMessages;
  /** `list`, `retrieve`. */
  readonly models: ClaudeCodeModels;
  /** The wrapper running the CLI (for metrics: `client.wrapper.getMetrics()`). */
  readonly wrapper: ClaudeCodeWrapper;
  readonly #service: AnthropicMessagesService;
  readonly #ownsWrapper: boolean;

  /**
   * @throws {@link ClaudeCodeValidationError} for invalid configuration fields (`conversationProcesses` included).
   */
  constructor(options: ClaudeCodeAnthropicOptions = {}) {
    const {
      strict,
      systemPromptMode,
      allowCliTools,
      defaultModel,
      modelMap,
      sessionStore,
      expiredToolResults,
      wrapper,
      conversationProcesses,
      ...config
    } = options;
    const kept = keptProcesses(conversationProcesses);
    this.wrapper = wrapper ?? new ClaudeCodeWrapper(config);
    this.#ownsWrapper = wrapper === undefined;
    this.#service = new AnthropicMessagesService({
      wrapper: this.wrapper,
      sessionStore,
      strict,
      systemPromptMode,
      allowCliTools,
      defaultModel,
      modelMap,
      expiredToolResults,
      conversationProcesses: kept,
    });
    this.messages = new ClaudeCodeMessages(this.#service);
    this.models = new ClaudeCodeModels();
  }

  /**
   * End the processes kept for conversations, and the wrapper's processes when this client created
   * the wrapper (one passed in is left to its owner).
   */
  async close(): Promise<void> {
    await this.#service.close();
    if (this.#ownsWrapper) await this.wrapper.close();
  }

  /** `close()` for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** `conversationProcesses`: the proxy's bounds (`server-options.ts`), each optional. */
const keptProcessesOption = z.union([
  z.boolean(),
  z
    .object({
      maxProcesses: z.number().int().nonnegative().max(MAX_KEPT_PROCESSES),
      maxIdleMs: z.number().int().positive(),
      maxMemoryBytes: z.number().int().positive(),
    })
    .partial()
    .strict(),
]);

/** @throws {@link ClaudeCodeValidationError} naming the bad field. */
function keptProcesses(option: unknown): KeptProcessesSettings | undefined {
  const parsed = parseOrThrow(keptProcessesOption.optional(), option, 'conversationProcesses');
  if (parsed === undefined || parsed === false) return undefined;
  if (parsed === true) return KEPT_PROCESS_DEFAULTS;
  const settings: Partial<KeptProcessesSettings> = Object.fromEntries(
    Object.entries(parsed).filter(([, value]) => value !== undefined),
  );
  return { ...KEPT_PROCESS_DEFAULTS, ...settings };
}
