/**
 * @module
 * `AnthropicMessagesService`: the gateway's entry for Messages requests, shared by the HTTP routes
 * (`POST /v1/messages`, `/v1/chat/completions`) and the {@link ClaudeCodeAnthropic} client. It
 * validates and translates a body (with `compat/anthropic`) and opens a {@link GatewayRequest}, the
 * one object that runs it. `create` is the fold of the same stream, so both always agree.
 */
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ClaudeCodeWrapper } from '../client/wrapper.js';
import { estimateInputTokens } from '../compat/anthropic/count-tokens.js';
import { parseCountTokensRequest, parseMessagesRequest } from '../compat/anthropic/request-schema.js';
import {
  translateRequest,
  type TranslatedRequest,
  type TranslateOptions,
} from '../compat/anthropic/translate-request.js';
import { MemorySessionStore, type SessionStore } from '../session/session-store.js';
import type { SuspendedRuns } from '../tools/suspended-runs.js';
import {
  ConversationAffinity,
  type KeptProcessesSettings,
  type KeptProcessStats,
} from './conversation-affinity.js';
import { KeptProcessDonor } from './kept-process-donor.js';
import { GatewayRequest, type GatewayContext, type OpenOptions } from './gateway-request.js';
import type { ReplicaState } from './replica-state.js';
import { ReplicaNotices } from './replica-notices.js';
import { runModelResolver, type RunModelResolver } from './run-model.js';
import type { ResultMeta, StreamStart } from './serve-run.js';
import { toolRunsFor, type ExpiredToolResultsPolicy, type ToolRun } from './tool-runs.js';

export type { ResultMeta, StreamStart } from './serve-run.js';
export type { GatewayRequest, OpenOptions, RequestStart } from './gateway-request.js';

/** Options of {@link AnthropicMessagesService}. */
export interface AnthropicMessagesServiceOptions extends Omit<TranslateOptions, 'baseEnv'> {
  /** Runs the CLI. */
  readonly wrapper: ClaudeCodeWrapper;
  /** Where conversation keys → session ids live. @default a new {@link MemorySessionStore} */
  readonly sessionStore?: SessionStore | undefined;
  /**
   * Results for a client tool call whose suspended run is gone (deadline passed, process died):
   * `replay` answers from the conversation history with a warning, `reject` fails with 400.
   * @default 'replay'
   */
  readonly expiredToolResults?: ExpiredToolResultsPolicy | undefined;
  /** Runs suspended on client tool calls. @default shared per wrapper */
  readonly toolRuns?: SuspendedRuns<ToolRun> | undefined;
  /**
   * `--model` for requests naming a model that is not a Claude model, alias or `modelMap` entry
   * (they run it with a warning). Unset: the wrapper's `model`, else the CLI's default.
   */
  readonly defaultModel?: string | undefined;
  /**
   * Requested model name (any case) → Claude model or alias, merged over `DEFAULT_MODEL_MAP`
   * (`gpt-4o` → `sonnet`, ...; see `run-model.ts`).
   */
  readonly modelMap?: Readonly<Record<string, string>> | undefined;
  /**
   * Keep the CLI process that answered a turn alive, within these limits, and send the
   * conversation's next turn to it (conversation affinity, `conversation-affinity.ts`); end them
   * with {@link AnthropicMessagesService.close}. Off when unset or `maxProcesses` is 0.
   */
  readonly conversationProcesses?: KeptProcessesSettings | undefined;
  /**
   * State shared with the other replicas of the proxy (Redis; see `replica-state.ts`): answered
   * sessions' transcripts are stored there and copied here before a resume, and client tool runs
   * answered by another replica are ended here. The caller opens and closes it.
   */
  readonly replicas?: Pick<ReplicaState, 'transcripts' | 'notices'> | undefined;
  /** Hears about replica notices that could not be sent or listened to (for the log). */
  readonly onReplicaError?: ((error: unknown) => void) | undefined;
  /**
   * Hears about a conversation whose kept process went to another conversation and whose session
   * could not be copied (for the log); its next turn is rebuilt from the request.
   */
  readonly onConversationCopyError?: ((error: unknown) => void) | undefined;
}

/**
 * A streamed answer, as the library API has always shaped it: the parts of a {@link GatewayRequest}
 * (HTTP routes and the SDK-shaped client use {@link AnthropicMessagesService.open} and
 * {@link GatewayRequest.start} instead, which also prefetch the first event).
 */
export interface MessagesStreamResult {
  /** Iterate once. Stopping early aborts the CLI run. */
  readonly events: AsyncIterable<RawMessageStreamEvent>;
  /** Resolves just before the first event is yielded; rejects like the first `next()`. */
  readonly started: Promise<StreamStart>;
  /**
   * Resolves once the conversation is planned and the run is about to start, before any output:
   * what an HTTP response that must start before the first event (to send keep-alives) can say.
   * Rejects like `started` when planning fails.
   */
  readonly planned: Promise<StreamStart>;
  /** Resolves after the final event; rejects with the stream's error, or when the consumer stops early. */
  readonly meta: Promise<ResultMeta>;
}

/** The request {@link AnthropicMessagesService.warmUp} prepares (never run). */
const WARM_UP_BODY = {
  model: 'sonnet',
  max_tokens: 1,
  messages: [{ role: 'user', content: 'warm-up' }],
};

/**
 * The Messages API over Claude Code.
 *
 * @example
 * ```ts
 * const service = new AnthropicMessagesService({ wrapper: new ClaudeCodeWrapper() });
 * const { message, meta } = await service.create({ model: 'sonnet', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export class AnthropicMessagesService {
  readonly #wrapper: ClaudeCodeWrapper;
  readonly #context: GatewayContext;
  readonly #translateOptions: TranslateOptions;
  readonly #runModel: RunModelResolver;

  constructor({
    wrapper,
    sessionStore,
    expiredToolResults,
    toolRuns,
    defaultModel,
    modelMap,
    conversationProcesses,
    replicas,
    onReplicaError,
    onConversationCopyError,
    ...translateOptions
  }: AnthropicMessagesServiceOptions) {
    this.#wrapper = wrapper;
    const runs = toolRuns ?? toolRunsFor(wrapper);
    const affinity =
      conversationProcesses === undefined || conversationProcesses.maxProcesses <= 0
        ? undefined
        : new ConversationAffinity(conversationProcesses);
    const notices =
      replicas && new ReplicaNotices(replicas.notices, { toolRuns: runs, affinity }, onReplicaError);
    void notices?.listen();
    const store = sessionStore ?? new MemorySessionStore();
    // Processes kept for conversations also serve new ones when the pool has none ready.
    if (affinity) {
      wrapper.setProcessDonor(
        new KeptProcessDonor(affinity, {
          store,
          transcripts: replicas?.transcripts,
          onError: onConversationCopyError,
        }),
      );
    }
    this.#context = {
      wrapper,
      store,
      toolRuns: runs,
      transcripts: replicas?.transcripts,
      notices,
      expiredToolResults: expiredToolResults ?? 'replay',
      affinity,
    };
    this.#translateOptions = translateOptions;
    this.#runModel = runModelResolver({ modelMap, defaultModel, configuredModel: wrapper.config.model });
  }

  /**
   * Validate a `messages.create` body (its `stream` field is ignored) and open the request that
   * answers it. Nothing runs until it is started, iterated or folded.
   * @throws {@link AnthropicApiError} 400 for invalid requests.
   */
  open(body: unknown, options?: OpenOptions): GatewayRequest {
    return new GatewayRequest(this.#context, this.#translate(body), options);
  }

  /**
   * Take the first-time costs of the request path (compiling the validators, the translation, the
   * run options and launch spec: ~10 ms of a first request before its CLI starts) now, with a
   * one-line request. Starts nothing; never throws (a server without a CLI finds out elsewhere).
   */
  warmUp(): void {
    try {
      const request = this.#translate(WARM_UP_BODY);
      this.#wrapper.prepare(request.prompt, request.runOptions);
    } catch {
      // Only a head start: the first request meets the same problem and reports it.
    }
  }

  /** Validate and translate `body`, with the model that runs. @throws {@link AnthropicApiError} 400. */
  #translate(body: unknown): TranslatedRequest {
    const translated = translateRequest(parseMessagesRequest(body), {
      ...this.#translateOptions,
      baseEnv: this.#wrapper.config.env,
      absentSystemPrompt: this.#wrapper.config.systemPrompt,
    });
    // The one place a requested name becomes the model that runs (every wire API comes through here).
    const { model, warning } = this.#runModel(translated.model);
    return {
      ...translated,
      runOptions: model === undefined ? translated.runOptions : { ...translated.runOptions, model },
      warnings: warning === undefined ? translated.warnings : [...translated.warnings, warning],
    };
  }

  /**
   * Answer a `messages.create` body (its `stream` field is ignored).
   * @throws {@link AnthropicApiError} for invalid requests; any other failure as the wrapper's error
   * (a failed run as {@link ClaudeCodeRunError}); map them with {@link toAnthropicError}.
   */
  async create(body: unknown, signal?: AbortSignal): Promise<{ message: Message; meta: ResultMeta }> {
    return this.open(body, { signals: [signal] }).create();
  }

  /**
   * Stream the answer to a `messages.create` body. Validation happens now (throws synchronously);
   * the CLI starts when `events` is first iterated. The first event arrives with the model's first
   * output, so awaiting it tells whether the run started well (and which HTTP status to send).
   * @throws {@link AnthropicApiError} 400 for invalid requests.
   */
  stream(body: unknown, signal?: AbortSignal): MessagesStreamResult {
    const request = this.open(body, { signals: [signal] });
    return {
      events: request.events,
      started: request.started,
      planned: request.planned,
      meta: request.result,
    };
  }

  /** Processes kept for their conversation's next turn; undefined when that is off. */
  conversationProcessStats(): KeptProcessStats | undefined {
    return this.#context.affinity?.stats();
  }

  /** End the processes kept for their conversation's next turn (and keep none from now on). */
  async close(): Promise<void> {
    if (this.#context.affinity) this.#wrapper.setProcessDonor(undefined);
    await this.#context.affinity?.close();
  }

  /** Estimated input tokens of a `messages.countTokens` body (see `count-tokens.ts`). */
  countTokens(body: unknown): { input_tokens: number } {
    return { input_tokens: estimateInputTokens(parseCountTokensRequest(body).request) };
  }
}
