/**
 * @module
 * `AnthropicMessagesService`: the Messages API over the Claude Code CLI, shared by the HTTP route
 * (`POST /v1/messages`, `/v1/messages/count_tokens`) and the {@link ClaudeCodeAnthropic} client.
 * It only wires the steps: validate → translate → (continue a run suspended on client tool calls |
 * plan the conversation → run) → stream events → remember the session, or park the run until the
 * tool results come. `create` is the fold of `stream`, so both always agree.
 */
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ClaudeCodeWrapper } from '../client/wrapper.js';
import { ClaudeCodeAbortError } from '../core/errors/index.js';
import { MemorySessionStore, type SessionStore } from '../session/session-store.js';
import type { RunCursor } from '../tools/run-cursor.js';
import type { SuspendedRuns } from '../tools/suspended-runs.js';
import type { ClientToolBridge } from '../tools/tool-bridge.js';
import { flattenedPlan, isStaleSession, planConversation, type ConversationPlan } from './conversation.js';
import { estimateInputTokens } from '../compat/anthropic/count-tokens.js';
import { Deferred } from './deferred.js';
import { collectMessage } from '../compat/anthropic/message-accumulator.js';
import { parseCountTokensRequest, parseMessagesRequest } from '../compat/anthropic/request-schema.js';
import { serveRun, startRun, warningsOf, type ResultMeta, type StreamStart } from './serve-run.js';
import { resultsForDelivery } from '../compat/anthropic/tool-results.js';
import { claimToolRun, toolRunsFor, type ExpiredToolResultsPolicy, type ToolRun } from './tool-runs.js';
import {
  translateRequest,
  type TranslatedRequest,
  type TranslateOptions,
} from '../compat/anthropic/translate-request.js';

export type { ResultMeta, StreamStart } from './serve-run.js';

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
  /**
   * Resolves once the conversation is planned and the run is about to start, before any output:
   * what an HTTP response that must start before the first event (to send keep-alives) can say.
   * Rejects like `started` when planning fails.
   */
  readonly planned: Promise<StreamStart>;
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
  readonly #toolRuns: SuspendedRuns<ToolRun>;
  readonly #expiredToolResults: ExpiredToolResultsPolicy;

  constructor({
    wrapper,
    sessionStore,
    expiredToolResults,
    toolRuns,
    ...translateOptions
  }: AnthropicMessagesServiceOptions) {
    this.#wrapper = wrapper;
    this.#store = sessionStore ?? new MemorySessionStore();
    this.#translateOptions = translateOptions;
    this.#toolRuns = toolRuns ?? toolRunsFor(wrapper);
    this.#expiredToolResults = expiredToolResults ?? 'replay';
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
    const planned = new Deferred<StreamStart>();
    const meta = new Deferred<ResultMeta>();
    const events = this.#events(request, signal, { started, planned, meta });
    return { events, started: started.promise, planned: planned.promise, meta: meta.promise };
  }

  /** Estimated input tokens of a `messages.countTokens` body (see `count-tokens.ts`). */
  countTokens(body: unknown): { input_tokens: number } {
    return { input_tokens: estimateInputTokens(parseCountTokensRequest(body).request) };
  }

  async *#events(
    request: TranslatedRequest,
    signal: AbortSignal | undefined,
    { started, planned, meta }: StreamDeferreds,
  ): AsyncGenerator<RawMessageStreamEvent, void, undefined> {
    const startedAt = performance.now();
    const context = { wrapper: this.#wrapper, store: this.#store, toolRuns: this.#toolRuns };
    const serve = (cursor: RunCursor, plan: ConversationPlan, bridge?: ClientToolBridge, toolRun?: ToolRun) =>
      serveRun(context, { request, cursor, plan, bridge, toolRun, signal, started, meta, startedAt });
    try {
      const notes: string[] = [];
      const live = claimToolRun(this.#toolRuns, request, this.#expiredToolResults, notes);
      const turn = request.toolResults;
      if (live !== undefined && turn !== undefined && request.tools?.choice !== 'none') {
        live.bridge.deliver(resultsForDelivery(turn, live.toolUseIds, request.tools?.instruction));
        const continued: ConversationPlan = { context: 'continued', prompt: [], warnings: notes };
        planned.resolve({ context: continued.context, warnings: warningsOf(request, continued) });
        yield* serve(live.cursor, continued, live.bridge, live);
        return;
      }
      if (live !== undefined) {
        // `tool_choice: none` cannot be imposed on a run that already has the tools: replay without them.
        live.cursor.abort(new ClaudeCodeAbortError('continued with tool_choice none'));
        notes.push(
          'tool_choice none: the suspended run was released and the conversation replayed without tools',
        );
      }
      let plan = withNotes(
        await planConversation(
          this.#store,
          request,
          // Only a history needs the CLI's environment (to place a synthesized transcript); copying
          // process.env costs ~0.15 ms, so a first turn skips it.
          request.history.length > 0 ? { ...process.env, ...this.#wrapper.config.env } : undefined,
        ),
        notes,
      );
      planned.resolve({ context: plan.context, warnings: warningsOf(request, plan) });
      for (;;) {
        const current = plan;
        const { cursor, bridge } = startRun(this.#wrapper, current, request);
        let yielded = false;
        try {
          for await (const event of serve(cursor, current, bridge)) {
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
      planned.reject(error);
      started.reject(error);
      meta.reject(error);
      throw error;
    } finally {
      if (!meta.settled) meta.reject(new ClaudeCodeAbortError('stream consumer stopped before the end'));
    }
  }
}

/** The promises a stream settles along the way. */
interface StreamDeferreds {
  readonly started: Deferred<StreamStart>;
  readonly planned: Deferred<StreamStart>;
  readonly meta: Deferred<ResultMeta>;
}

function withNotes(plan: ConversationPlan, notes: readonly string[]): ConversationPlan {
  return notes.length === 0 ? plan : { ...plan, warnings: [...notes, ...plan.warnings] };
}

const STALE_SESSION_WARNING =
  'the stored CLI session for this conversation no longer exists; history was flattened';
