/**
 * @module
 * `AnthropicMessagesService`: the Messages API over the Claude Code CLI, shared by the HTTP route
 * (`POST /v1/messages`, `/v1/messages/count_tokens`) and the {@link ClaudeCodeAnthropic} client.
 * It only wires the steps: validate → translate → plan the conversation → run → stream events →
 * remember the session. `create` is the fold of `stream`, so both always agree.
 */
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ClaudeCodeWrapper } from '../../client/wrapper.js';
import { ClaudeCodeAbortError } from '../../core/errors/index.js';
import { MemorySessionStore, type SessionStore } from '../../session/session-store.js';
import {
  flattenedPlan,
  isStaleSession,
  planConversation,
  rememberAnswer,
  startPlannedRun,
  type ContextMode,
  type ConversationPlan,
} from './conversation.js';
import { estimateInputTokens } from './count-tokens.js';
import { Deferred } from './deferred.js';
import { collectMessage } from './message-accumulator.js';
import { parseCountTokensRequest, parseMessagesRequest } from './request-schema.js';
import { toStreamEvents, type StreamOutcome } from './to-stream-events.js';
import { translateRequest, type TranslatedRequest, type TranslateOptions } from './translate-request.js';

/** Facts about one answered request, for response headers, logs and metrics. */
export interface ResultMeta {
  /** Cost of this run as the CLI computed it (0 when a stop sequence ended it early). @unit USD */
  readonly costUsd: number;
  /** The CLI session holding this conversation now (resume target of the next turn). */
  readonly sessionId: string | undefined;
  /** Parameters that were ignored and other notes; the server sends them as `x-claude-code-warnings`. */
  readonly warnings: readonly string[];
  /** How the history reached the CLI; the server sends it as `x-claude-code-context`. */
  readonly context: ContextMode;
  /** Wall time of the request in this process. @unit milliseconds */
  readonly durationMs: number;
}

/** Options of {@link AnthropicMessagesService}. */
export interface AnthropicMessagesServiceOptions extends Omit<TranslateOptions, 'baseEnv'> {
  /** Runs the CLI. */
  readonly wrapper: ClaudeCodeWrapper;
  /** Where conversation keys → session ids live. @default a new {@link MemorySessionStore} */
  readonly sessionStore?: SessionStore | undefined;
}

/** What is known once the first event is ready, i.e. when an HTTP response would start. */
export interface StreamStart {
  /** How the history reached the CLI (`x-claude-code-context`). */
  readonly context: ContextMode;
  /** Ignored parameters and other notes (`x-claude-code-warnings`). */
  readonly warnings: readonly string[];
}

/**
 * A streamed answer. For HTTP: `await iterator.next()` first; if it rejects, answer with
 * {@link toAnthropicError}'s status and body; otherwise `await started` for the headers, then send
 * the first and all further events as SSE (a later failure becomes an `error` event).
 */
export interface MessagesStreamResult {
  /** Iterate once. Stopping early aborts the CLI run. */
  readonly events: AsyncIterable<RawMessageStreamEvent>;
  /** Resolves just before the first event is yielded; rejects like the first `next()`. */
  readonly started: Promise<StreamStart>;
  /** Resolves after the final event; rejects with the stream's error, or when the consumer stops early. */
  readonly meta: Promise<ResultMeta>;
}

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
  readonly #store: SessionStore;
  readonly #translateOptions: TranslateOptions;

  constructor({ wrapper, sessionStore, ...translateOptions }: AnthropicMessagesServiceOptions) {
    this.#wrapper = wrapper;
    this.#store = sessionStore ?? new MemorySessionStore();
    this.#translateOptions = translateOptions;
  }

  /**
   * Answer a `messages.create` body (its `stream` field is ignored).
   * @throws {@link AnthropicApiError} for invalid requests; any other failure as the wrapper's error
   * (a failed run as {@link ClaudeCodeRunError}); map them with {@link toAnthropicError}.
   */
  async create(body: unknown, signal?: AbortSignal): Promise<{ message: Message; meta: ResultMeta }> {
    const { events, meta } = this.stream(body, signal);
    const message = await collectMessage(events);
    return { message, meta: await meta };
  }

  /**
   * Stream the answer to a `messages.create` body. Validation happens now (throws synchronously);
   * the CLI starts when `events` is first iterated. The first event arrives with the model's first
   * output, so awaiting it tells whether the run started well (and which HTTP status to send).
   * @throws {@link AnthropicApiError} 400 for invalid requests.
   */
  stream(body: unknown, signal?: AbortSignal): MessagesStreamResult {
    const request = translateRequest(parseMessagesRequest(body), {
      ...this.#translateOptions,
      baseEnv: this.#wrapper.config.env,
    });
    const started = new Deferred<StreamStart>();
    const meta = new Deferred<ResultMeta>();
    const events = this.#events(request, signal, started, meta);
    return { events, started: started.promise, meta: meta.promise };
  }

  /** Estimated input tokens of a `messages.countTokens` body (see `count-tokens.ts`). */
  countTokens(body: unknown): { input_tokens: number } {
    return { input_tokens: estimateInputTokens(parseCountTokensRequest(body).request) };
  }

  async *#events(
    request: TranslatedRequest,
    signal: AbortSignal | undefined,
    started: Deferred<StreamStart>,
    meta: Deferred<ResultMeta>,
  ): AsyncGenerator<RawMessageStreamEvent, void, undefined> {
    const startedAt = performance.now();
    const runOptions = signal === undefined ? request.runOptions : { ...request.runOptions, signal };
    try {
      let plan = await planConversation(this.#store, request);
      for (;;) {
        const current = plan;
        const onFinish = async (outcome: StreamOutcome): Promise<void> => {
          // A cut answer differs from what the session holds, and without persistence there is no
          // session to resume: in both cases the next turn is flattened, which stays exact.
          if (outcome.stopSequence === null && this.#wrapper.config.sessionPersistence !== false) {
            await rememberAnswer(this.#store, request, outcome.text, outcome.sessionId);
          }
          meta.resolve(toMeta(request, current, outcome, startedAt));
        };
        const events = toStreamEvents(startPlannedRun(this.#wrapper, current, runOptions), {
          model: request.model,
          stopSequences: request.stopSequences,
          includeThinking: request.includeThinking,
          onFinish,
        });
        let yielded = false;
        try {
          for await (const event of events) {
            if (!yielded)
              started.resolve({ context: current.context, warnings: warningsOf(request, current) });
            yielded = true;
            yield event;
          }
          return;
        } catch (error) {
          // Retrying is only invisible to the caller while nothing was sent yet.
          if (yielded || !isStaleSession(current, error)) throw error;
          plan = flattenedPlan(request, [...current.warnings, STALE_SESSION_WARNING]);
        }
      }
    } catch (error) {
      started.reject(error);
      meta.reject(error);
      throw error;
    } finally {
      if (!meta.settled) meta.reject(new ClaudeCodeAbortError('stream consumer stopped before the end'));
    }
  }
}

const STALE_SESSION_WARNING =
  'the stored CLI session for this conversation no longer exists; history was flattened';

function toMeta(
  request: TranslatedRequest,
  plan: ConversationPlan,
  outcome: StreamOutcome,
  startedAt: number,
): ResultMeta {
  return {
    costUsd: outcome.response?.metrics.costUsd ?? 0,
    sessionId: outcome.sessionId,
    warnings: warningsOf(request, plan),
    context: plan.context,
    durationMs: Math.round(performance.now() - startedAt),
  };
}

function warningsOf(request: TranslatedRequest, plan: ConversationPlan): string[] {
  return [...request.warnings, ...plan.warnings];
}
