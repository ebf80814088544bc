/**
 * @module
 * `GatewayRequest`: one request through the gateway, the ONE object its caller (an HTTP route, the
 * SDK-shaped client) holds from admission to the last event. It owns, each in exactly one place:
 *
 * - the concurrency slot: taken when the lifecycle starts (or taken over from the suspended run the
 *   request continues), released in its `finally`, unless a run suspended on client tool calls
 *   keeps it (parked: any request that would wait for a slot takes it, and that run is stopped);
 * - the request's abort: the caller's signals (client gone, server draining) and {@link abort} stop
 *   the run; the links are removed in the same `finally`;
 * - the conversation: continue a run suspended on client tool calls, or the process kept for
 *   exactly this conversation, or plan (new | resumed | synthesized | flattened) and start one,
 *   retrying flattened when a resumed session is stale (only while nothing was sent);
 * - the end of a run piece: park it for client tool results or remember the answer (and keep its
 *   process for the next turn); discard the transcripts of an abandoned run;
 * - the first-event prefetch ({@link start}), so a failure before any output becomes an HTTP status,
 *   with the keep-alive case: no first event within `pingIntervalMs` starts the response anyway;
 * - the result ({@link result}: session, context, cost, warnings, duration); `create` is the fold of
 *   the same stream.
 *
 * Event currency: the Messages API's `RawMessageStreamEvent`, written by `StreamEventWriter`. It is
 * the richest shape both wire APIs share (the OpenAI translation consumes it), so it serves as the
 * gateway's API-neutral event; the gateway knows nothing else of the wire formats, nor of HTTP.
 */
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { collectMessage } from '../compat/anthropic/message-accumulator.js';
import type { TranslatedRequest } from '../compat/anthropic/translate-request.js';
import { resultsForDelivery } from '../compat/anthropic/tool-results.js';
import { ClaudeCodeAbortError } from '../core/errors/index.js';
import type { ConcurrencyGate } from '../resilience/concurrency-gate.js';
import { ProcessHolder } from './process-holder.js';
import {
  flattenedPlan,
  historyKey,
  isStaleSession,
  planConversation,
  rebuiltPlan,
  resumePlan,
  trailingSystemReminder,
  type ConversationPlan,
} from './conversation.js';
import { Deferred } from './deferred.js';
import {
  cliEnv,
  contextOf,
  discardWhenStopped,
  finishPiece,
  startRun,
  warningsOf,
  type ResultMeta,
  type RunPiece,
  type ServeContext,
  type StreamStart,
} from './serve-run.js';
import { toStreamEvents } from './to-stream-events.js';
import type { ReplicaNotices } from './replica-notices.js';
import { claimToolRun, type ClaimedToolRun, type ExpiredToolResultsPolicy } from './tool-runs.js';

/** What a request needs from the service that opened it. */
export interface GatewayContext extends ServeContext {
  readonly expiredToolResults: ExpiredToolResultsPolicy;
  /** Tells the other replicas about tool runs and conversations taken over here (see `replica-notices.ts`). */
  readonly notices?: ReplicaNotices | undefined;
}

/** Per-request options of {@link GatewayRequest}. */
export interface OpenOptions {
  /** Stop the run when any of these aborts (client gone, server draining, caller's signal). */
  readonly signals?: readonly (AbortSignal | null | undefined)[] | undefined;
  /** Take a slot of this gate for the request's lifetime (the proxy's concurrency limit). */
  readonly gate?: ConcurrencyGate | undefined;
  /**
   * {@link GatewayRequest.start} waits this long for the first event, then starts anyway
   * (`waiting`); 0 waits for it. @default 0 @unit milliseconds
   */
  readonly pingIntervalMs?: number | undefined;
  /** Notes of the wire translation (e.g. ignored OpenAI parameters), put before the gateway's own. */
  readonly extraWarnings?: readonly string[] | undefined;
}

/** What {@link GatewayRequest.start} knows when a response would start. */
export interface RequestStart extends StreamStart {
  /**
   * No event yet: the response starts before the first one (after `pingIntervalMs`), so a failure
   * from here on becomes the stream's error event instead of an HTTP status.
   */
  readonly waiting: boolean;
}

/** See the module comment. */
export class GatewayRequest {
  readonly #context: GatewayContext;
  readonly #request: TranslatedRequest;
  readonly #gate: ConcurrencyGate | undefined;
  readonly #pingIntervalMs: number;
  readonly #extraWarnings: readonly string[];
  readonly #controller = new AbortController();
  readonly #unlink: (() => void)[] = [];
  readonly #lifecycle: AsyncGenerator<RawMessageStreamEvent, void, undefined>;
  readonly #admitted = new Deferred<void>();
  readonly #planned = new Deferred<StreamStart>();
  readonly #started = new Deferred<StreamStart>();
  readonly #result = new Deferred<ResultMeta>();
  /** The first event, when {@link start} fetched it and nobody has taken it yet. */
  #head: Promise<IteratorResult<RawMessageStreamEvent, void>> | undefined;
  /** Releases the concurrency slot while this request holds one. */
  #release: (() => void) | undefined;
  /** Answered by {@link create}: the events are folded before anyone sees them. */
  #folded = false;
  #begun = false;
  #ended = false;

  /** @internal Opened by the service (`AnthropicMessagesService.open`), after validation. */
  constructor(context: GatewayContext, request: TranslatedRequest, options: OpenOptions = {}) {
    this.#context = context;
    this.#request = request;
    this.#gate = options.gate;
    this.#pingIntervalMs = options.pingIntervalMs ?? 0;
    this.#extraWarnings = options.extraWarnings ?? [];
    for (const signal of options.signals ?? []) this.#link(signal);
    this.#lifecycle = this.#run();
  }

  /** Resolves with the facts of the answer once it is complete; rejects when the request fails or stops early. */
  get result(): Promise<ResultMeta> {
    return this.#result.promise;
  }

  /** Resolves just before the first event is yielded; rejects like the first event. */
  get started(): Promise<StreamStart> {
    return this.#started.promise;
  }

  /** Resolves once the conversation is planned and the run is about to start; rejects when planning fails. */
  get planned(): Promise<StreamStart> {
    return this.#planned.promise;
  }

  /**
   * The stream events; iterate once. The run starts on the first `next()` (or {@link start}), and
   * stopping early aborts it. Not an async generator: it only hands out the prefetched first event.
   */
  readonly events: AsyncIterable<RawMessageStreamEvent> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const head = this.#head;
        this.#head = undefined;
        return head ?? this.#lifecycle.next();
      },
      return: () => {
        this.#head = undefined;
        return this.#lifecycle.return(undefined);
      },
    }),
  };

  /**
   * Start the run and wait for its first event, so that a failure before any output can still be
   * answered with a status. With `pingIntervalMs`, resolves `waiting` once that long passed without
   * one (the conversation being planned), and the response should start with a keep-alive.
   * @throws what the request fails with before its first event (queue full, invalid tool results,
   * the CLI's error); the slot is released by then.
   */
  async start(): Promise<RequestStart> {
    const first = this.#lifecycle.next();
    this.#head = first;
    if (this.#pingIntervalMs > 0) {
      // The wait for a slot does not count: the keep-alive interval starts once admitted.
      await Promise.race([first, this.#admitted.promise]);
      const head = await firstOrTimeout(first, this.#pingIntervalMs);
      if (head === undefined) {
        // Planning failed: the first event carries the error (and its status).
        const planned = await Promise.race([this.#planned.promise, first.then(() => undefined)]);
        if (planned) return { ...this.#withExtra(planned), waiting: true };
      }
    }
    await first;
    const start = this.#started.settled ? await this.#started.promise : await this.#planned.promise;
    return { ...this.#withExtra(start), waiting: false };
  }

  /** Run to the end and fold the events into the whole message (the one fold `create` is). */
  async create(): Promise<{ message: Message; meta: ResultMeta }> {
    this.#folded = true;
    const message = await collectMessage(this.events);
    return { message, meta: await this.#result.promise };
  }

  /**
   * Stop the request: the run is aborted and the slot released. Does nothing once it ended; callers
   * call it when they are done with a stream whatever happened (it ends a never-read one).
   */
  abort(reason: unknown = new ClaudeCodeAbortError('request aborted')): void {
    if (this.#ended) return;
    this.#controller.abort(reason);
    if (!this.#begun) {
      this.#ended = true;
      this.#result.reject(reason);
      this.#unlinkAll();
    }
    void this.#lifecycle.return(undefined).catch(() => undefined);
  }

  /**
   * The whole lifecycle, the request's one generator (over `toStreamEvents`): admission, the first run piece, its
   * events, a flattened retry of a stale session. Its `finally` is the one place the slot and the
   * signal links are released.
   */
  async *#run(): AsyncGenerator<RawMessageStreamEvent, void, undefined> {
    this.#begun = true;
    try {
      // Before admission: a continued run brings the slot it kept while it waited.
      const notes: string[] = [];
      const suspended = claimToolRun(
        this.#context.toolRuns,
        this.#request,
        this.#context.expiredToolResults,
        notes,
      );
      this.#release = suspended?.release;
      const results = this.#request.toolResults;
      // Results for a run this server does not hold: another replica may, and must end it.
      if (suspended === undefined && results !== undefined)
        this.#context.notices?.toolResultsAnswered(results.ids);
      if (this.#release === undefined) {
        try {
          this.#release = await this.#gate?.acquire(this.#controller.signal);
        } catch (error) {
          // Not admitted: the claimed run has nobody left to continue it.
          suspended?.run.cursor.abort(error);
          throw error;
        }
      }
      this.#admitted.resolve();
      const startedAt = performance.now();
      let piece = await this.#firstPiece(suspended, notes);
      for (;;) {
        const { request, cursor, plan, toolRun, holder } = piece;
        // The request's abort reaches the run only while this request reads it.
        cursor.attach(this.#controller.signal);
        let finished = false;
        let yielded = false;
        let session: { sessionId: string; cwd: string | undefined } | undefined;
        const current = piece;
        try {
          const events = toStreamEvents(cursor, {
            model: request.model,
            stopSequences: request.stopSequences,
            includeThinking: request.includeThinking,
            structuredOutput: request.runOptions.jsonSchema !== undefined,
            clientTools: toolRun?.names ?? request.tools?.names,
            continued: toolRun !== undefined,
            replaceable: this.#folded,
            onFinish: async (outcome) => {
              finished = true;
              // Park the run for client tool results, or remember the answer. Settled before the
              // closing events: a consumer may stop reading at `message_stop`.
              const meta = await finishPiece(this.#context, current, outcome, startedAt, () =>
                this.#handOverSlot(),
              );
              this.#result.resolve(this.#withExtra(meta));
            },
            onSessionStart: (announced) => (session = announced),
          });
          for await (const event of events) {
            if (!yielded) {
              yielded = true;
              this.#started.resolve({
                context: contextOf(plan, holder),
                warnings: warningsOf(request, plan),
              });
            }
            yield event;
          }
          return;
        } catch (error) {
          // Retrying is only invisible to the caller while nothing was sent yet.
          if (yielded || !isStaleSession(plan, error)) throw error;
          // The session is not on this machine (another replica's without a shared copy, or its
          // transcript is gone): rebuild the history; a rebuilt one that fails too is flattened.
          const retry =
            plan.context === 'synthesized'
              ? flattenedPlan(request, [...plan.warnings, STALE_SESSION_WARNING])
              : rebuiltPlan(request, cliEnv(this.#context, request), [
                  ...plan.warnings,
                  STALE_SESSION_WARNING,
                ]);
          const retryHolder = this.#newHolder(request);
          piece = {
            ...startRun(this.#context.wrapper, retry, request, retryHolder),
            request,
            plan: retry,
            toolRun: undefined,
            holder: retryHolder,
          };
        } finally {
          cursor.detach();
          // Aborted or failed: its process is ended (`finishPiece` decides for the others).
          if (!finished) holder?.dispose();
          // Aborted or failed: the session is never remembered, so nobody can resume it.
          if (!finished && toolRun === undefined) {
            discardWhenStopped(this.#context.wrapper, request, plan, cursor, session);
          }
        }
      }
    } catch (error) {
      this.#planned.reject(error);
      this.#started.reject(error);
      this.#result.reject(error);
      throw error;
    } finally {
      this.#ended = true;
      this.#unlinkAll();
      this.#release?.();
      this.#release = undefined;
      if (!this.#result.settled) {
        this.#result.reject(new ClaudeCodeAbortError('stream consumer stopped before the end'));
      }
    }
  }

  /** The slot goes with the run this request leaves suspended; the request no longer releases it. */
  #handOverSlot(): { gate: ConcurrencyGate; release: () => void } | undefined {
    const release = this.#release;
    if (this.#gate === undefined || release === undefined) return undefined;
    this.#release = undefined;
    return { gate: this.#gate, release };
  }

  /**
   * Continue the run suspended on this request's client tool calls (`suspended`), or plan the
   * conversation and start one. `notes` are the claim's warnings.
   */
  async #firstPiece(suspended: ClaimedToolRun | undefined, notes: string[]): Promise<RunPiece> {
    const request = this.#request;
    const context = this.#context;
    const live = suspended?.run;
    const turn = request.toolResults;
    if (live !== undefined && turn !== undefined && request.tools?.choice !== 'none') {
      // The run's system prompt is fixed: system messages after the results ride with them.
      const extra = [request.tools?.instruction, trailingSystemReminder(request)].filter(
        (text): text is string => text !== undefined,
      );
      live.bridge.deliver(
        resultsForDelivery(turn, live.toolUseIds, extra.length === 0 ? undefined : extra.join('\n\n')),
      );
      const plan: ConversationPlan = { context: 'continued', prompt: [], warnings: notes };
      this.#planned.resolve({ context: plan.context, warnings: warningsOf(request, plan) });
      return { request, cursor: live.cursor, plan, bridge: live.bridge, toolRun: live, holder: live.holder };
    }
    if (live !== undefined) {
      // `tool_choice: none` cannot be imposed on a run that already has the tools: replay without them.
      live.cursor.abort(new ClaudeCodeAbortError('continued with tool_choice none'));
      notes.push(
        'tool_choice none: the suspended run was released and the conversation replayed without tools',
      );
    }
    const key = request.history.length > 0 ? historyKey(request) : undefined;
    const kept = key === undefined ? undefined : context.affinity?.claim(request, key);
    if (kept !== undefined) {
      // The process that answered this very conversation is still there: the turn goes to it.
      const plan = resumePlan('continued', request, kept.point, notes);
      this.#planned.resolve({ context: plan.context, warnings: warningsOf(request, plan) });
      const { holder } = kept;
      return {
        ...startRun(context.wrapper, plan, request, holder),
        request,
        plan,
        toolRun: undefined,
        holder,
      };
    }
    // A conversation whose kept process just went to another: its copy is mapped first.
    if (key !== undefined) await context.affinity?.moved(key);
    const plan = withNotes(
      await planConversation(
        context.store,
        request,
        // Only a history needs the CLI's environment (to place a synthesized transcript); copying
        // process.env costs ~0.15 ms, so a first turn skips it.
        request.history.length > 0 ? cliEnv(context, request) : undefined,
        context.transcripts,
      ),
      notes,
    );
    // The conversation moved here: the process another replica kept for it will get no turn.
    if (plan.fromReplica && key !== undefined) context.notices?.conversationMoved(key);
    this.#planned.resolve({ context: plan.context, warnings: warningsOf(request, plan) });
    const holder = this.#newHolder(request);
    return { ...startRun(context.wrapper, plan, request, holder), request, plan, toolRun: undefined, holder };
  }

  /** A holder for the process of a new run, when its answer may be kept for the next turn. */
  #newHolder(request: TranslatedRequest): ProcessHolder | undefined {
    return this.#context.affinity?.eligible(request) === true ? new ProcessHolder() : undefined;
  }

  #withExtra<T extends { readonly warnings: readonly string[] }>(value: T): T {
    return this.#extraWarnings.length === 0
      ? value
      : { ...value, warnings: [...this.#extraWarnings, ...value.warnings] };
  }

  #link(signal: AbortSignal | null | undefined): void {
    if (!signal) return;
    if (signal.aborted) {
      this.#controller.abort(signal.reason);
      return;
    }
    const onAbort = (): void => this.#controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.#unlink.push(() => signal.removeEventListener('abort', onAbort));
  }

  #unlinkAll(): void {
    for (const unlink of this.#unlink.splice(0)) unlink();
  }
}

function withNotes(plan: ConversationPlan, notes: readonly string[]): ConversationPlan {
  return notes.length === 0 ? plan : { ...plan, warnings: [...notes, ...plan.warnings] };
}

/** The first event, or undefined when `ms` pass first. */
async function firstOrTimeout<T>(first: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([first, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const STALE_SESSION_WARNING =
  'the stored CLI session for this conversation is not on this server; the history was rebuilt from the request';
