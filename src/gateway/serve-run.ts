/**
 * @module
 * The steps of one piece of a Messages run for {@link GatewayRequest}: start the CLI run (with a
 * client tool bridge when the request defines tools, in a kept process when it continues one);
 * when it ends, park it for client tool results or remember the answer (and keep its process for
 * the next turn); when it is abandoned, discard its transcripts.
 */
import { RUN_DEFAULTS } from '../client/run-options.js';
import type { ClaudeCodeWrapper } from '../client/wrapper.js';
import { discardTranscripts } from '../session/discard-transcript.js';
import { lastAssistantUuid, type SessionPoint } from '../session/session-point.js';
import type { SessionStore } from '../session/session-store.js';
import { sessionTranscriptPath } from '../session/detach-conversation.js';
import { sessionCwd, type SharedTranscripts } from '../session/shared-transcripts.js';
import { cliProjectsDir } from '../session/synthesize-transcript.js';
import { RunCursor } from '../tools/run-cursor.js';
import { callerEndsRunAt } from '../tools/client-tool.js';
import type { HeldSlot, SuspendedRuns } from '../tools/suspended-runs.js';
import { ClientToolBridge } from '../tools/tool-bridge.js';
import { DEFAULT_TOOL_RESULT_TIMEOUT_MS, withClientTools } from '../tools/tool-run-options.js';
import type { ConversationAffinity } from './conversation-affinity.js';
import type { ProcessHolder } from './process-holder.js';
import {
  answerKey,
  rememberAnswer,
  startPlannedRun,
  type ContextMode,
  type ConversationPlan,
} from './conversation.js';
import type { StreamOutcome } from './to-stream-events.js';
import { discardToolResultFilesWhenDone } from './tool-result-files.js';
import type { ToolRun } from './tool-runs.js';
import type { TranslatedRequest } from '../compat/anthropic/translate-request.js';

/** Facts about one answered request, for response headers, logs and metrics. */
export interface ResultMeta {
  /**
   * Cost of this run as the CLI computed it. 0 when a stop sequence ended it early, and while the
   * run is suspended on client tool calls (the whole run's cost comes with its final answer).
   * @unit USD
   */
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

/** What is known once the first event is ready, i.e. when an HTTP response would start. */
export interface StreamStart {
  /** How the history reached the CLI (`x-claude-code-context`). */
  readonly context: ContextMode;
  /** Ignored parameters and other notes (`x-claude-code-warnings`). */
  readonly warnings: readonly string[];
}

/** What running a request needs from the service. */
export interface ServeContext {
  readonly wrapper: ClaudeCodeWrapper;
  readonly store: SessionStore;
  readonly toolRuns: SuspendedRuns<ToolRun>;
  /** Processes kept for their conversation's next turn; undefined when off. */
  readonly affinity?: ConversationAffinity | undefined;
  /**
   * CLI session transcripts shared with the other replicas (Redis): each answer's session is
   * stored, and a session another replica answered is copied here before it is resumed.
   */
  readonly transcripts?: SharedTranscripts | undefined;
}

/**
 * One piece of a run: from its start, or from the client tool results it waited for, up to its
 * result or its next client tool calls.
 */
export interface RunPiece {
  readonly request: TranslatedRequest;
  readonly cursor: RunCursor;
  readonly plan: ConversationPlan;
  /** Serves the client tools of a run that has them. */
  readonly bridge: ClientToolBridge | undefined;
  /** Set when continuing a suspended run. */
  readonly toolRun: ToolRun | undefined;
  /** The run's process while the request holds it (conversation affinity); undefined when off. */
  readonly holder?: ProcessHolder | undefined;
}

/**
 * How long a Messages run may produce no output before it fails, unless the wrapper's
 * configuration or the request sets `idleTimeoutMs`. A client waiting on a stream cannot tell a
 * stalled upstream from a slow one; the library's general default (300 s) is longer than most
 * clients and proxies in between wait, so the run fails with a clear timeout error well before.
 * Output includes thinking and tool-call deltas, and the time a run waits for client tool results
 * does not count.
 * @unit milliseconds
 */
export const MESSAGES_IDLE_TIMEOUT_MS = 120_000;

/**
 * Start the CLI run for `plan`; with a {@link ClientToolBridge} when the request serves tools, and
 * with `holder` handing over its process (conversation affinity).
 */
export function startRun(
  wrapper: ClaudeCodeWrapper,
  plan: ConversationPlan,
  request: TranslatedRequest,
  holder?: ProcessHolder,
): { cursor: RunCursor; bridge: ClientToolBridge | undefined } {
  const served = request.tools?.tools ?? [];
  const bridge = served.length > 0 ? new ClientToolBridge(served) : undefined;
  let runOptions =
    request.runOptions.idleTimeoutMs !== undefined || wrapper.config.idleTimeoutMs !== undefined
      ? request.runOptions
      : { ...request.runOptions, idleTimeoutMs: MESSAGES_IDLE_TIMEOUT_MS };
  if (holder) runOptions = { ...runOptions, processHandover: holder };
  const options = bridge ? withClientTools(runOptions, bridge, wrapper.config.allowedTools) : runOptions;
  const cursor = new RunCursor(startPlannedRun(wrapper, plan, options));
  if (bridge) discardToolResultFilesWhenDone(wrapper, request, cursor);
  return { cursor, bridge };
}

/**
 * A piece of a run just ended with `outcome`: park a run that stops for client tool calls in
 * `toolRuns` (it outlives this request, until its deadline, with the request's concurrency slot
 * from `takeSlot`), or remember the answer for session resume. Returns the facts about the answered
 * request.
 */
export async function finishPiece(
  context: ServeContext,
  piece: RunPiece,
  outcome: StreamOutcome,
  startedAt: number,
  takeSlot: () => HeldSlot | undefined = () => undefined,
): Promise<ResultMeta> {
  const { request, cursor, plan, bridge, toolRun, holder } = piece;
  if (outcome.suspendedOn && bridge) {
    // The run waits for the caller's results: it must outlive this request.
    cursor.detach();
    const timeout = context.wrapper.config.toolResultTimeoutMs ?? DEFAULT_TOOL_RESULT_TIMEOUT_MS;
    const names = toolRun?.names ?? request.tools?.names ?? new Set<string>();
    // The holder goes with the run: its final answer may keep the process for the next turn.
    const run: ToolRun = { cursor, bridge, names, toolUseIds: outcome.suspendedOn, holder };
    if (callerEndsRunAt(outcome.suspendedTools ?? [])) {
      // Nobody will answer: stop the CLI now rather than hold it until the deadline. A result
      // that comes after all is answered from the history, as for any expired call.
      holder?.dispose();
      context.toolRuns.dismiss(run, ENDS_CALLER_RUN);
    } else {
      context.toolRuns.suspend(run, timeout, takeSlot());
    }
  } else if (outcome.stopSequence === null && request.runOptions.jsonSchema === undefined) {
    // A cut answer differs from what the session (and the process) holds, and without
    // persistence there is no session to resume: in both cases the next turn is flattened, which
    // stays exact. A structured answer is text only to the caller (the session holds a
    // StructuredOutput tool call), so its next turn is rebuilt from the history too.
    const point: SessionPoint | undefined = outcome.sessionId
      ? { sessionId: outcome.sessionId, atMessage: lastAssistantUuid(outcome.response?.messages ?? []) }
      : undefined;
    const key = answerKey(request, outcome.text);
    const persisted = context.wrapper.config.sessionPersistence !== false;
    // Where the CLI wrote the session (for the other replicas, and to move a kept process's
    // conversation out should the process serve another one).
    const wanted =
      context.transcripts !== undefined || (holder !== undefined && context.affinity !== undefined);
    const transcript = persisted && wanted ? transcriptOf(context, request, point, outcome) : undefined;
    if (persisted) {
      // Both before the answer goes out: another replica may be asked the next turn right after.
      await Promise.all([
        rememberAnswer(context.store, request, outcome.text, point),
        point && transcript && context.transcripts?.save(point, transcript),
      ]);
    }
    // Kept once the conversation map names its session: a kept process given up for another
    // conversation moves the map entry to a copy of it (kept-process-donor.ts).
    // Without the answer's message uuid, earlier turns could not be resumed once the session grew.
    if (holder && point?.atMessage && context.affinity) {
      context.affinity.keep(holder, request, key, point, transcript);
    }
  }
  // A process neither kept for the next turn nor waiting for tool results is ended.
  if (!outcome.suspendedOn) holder?.dispose();
  return toMeta(request, plan, outcome, startedAt, holder);
}

/** The answering session's transcript file, when the answer names its message and directory. */
function transcriptOf(
  context: ServeContext,
  request: TranslatedRequest,
  point: SessionPoint | undefined,
  outcome: StreamOutcome,
): string | undefined {
  const cwd = sessionCwd(outcome.response?.messages ?? []);
  if (point?.atMessage === undefined || cwd === undefined) return undefined;
  return sessionTranscriptPath(cliProjectsDir(cliEnv(context, request)), cwd, point.sessionId);
}

/** The CLI's environment for `request` (where its config directory, and transcripts, are). */
export function cliEnv(
  context: ServeContext,
  request: TranslatedRequest,
): Record<string, string | undefined> {
  return { ...process.env, ...context.wrapper.config.env, ...request.runOptions.env };
}

const ENDS_CALLER_RUN =
  "the call was to the client's StructuredOutput tool, which ends the client's own run (Claude Code --json-schema), so the run was not kept waiting for its result";

/** Time for an exiting CLI to finish its last writes, on top of the kill grace. */
const CLI_EXIT_MARGIN_MS = 500;

/**
 * Remove the transcripts of a run that will never be resumed, once its CLI has stopped (a CLI still
 * shutting down could write its transcript again). In the background; failures are ignored.
 */
export function discardWhenStopped(
  wrapper: ClaudeCodeWrapper,
  request: TranslatedRequest,
  plan: ConversationPlan,
  cursor: RunCursor,
  session: { sessionId: string; cwd: string | undefined } | undefined,
): void {
  const synthesizedSessionId = plan.context === 'synthesized' ? plan.resumeSessionId : undefined;
  // A kept process continued a session that existed before this run: earlier turns resume from it.
  if (plan.context === 'continued' && (session?.sessionId ?? cursor.sessionId) === plan.resumeSessionId) {
    return;
  }
  if (!session && !synthesizedSessionId) return;
  const env = { ...process.env, ...wrapper.config.env, ...request.runOptions.env };
  // The run settles as soon as it is aborted; its CLI may take up to the kill grace to exit (and
  // writes its transcript on the way out), so the files are removed after that.
  const grace = (wrapper.config.killGraceMs ?? RUN_DEFAULTS.killGraceMs) + CLI_EXIT_MARGIN_MS;
  void cursor.result
    .catch(() => undefined)
    .then(() => new Promise((resolve) => setTimeout(resolve, grace).unref()))
    .then(() =>
      discardTranscripts({
        env,
        sessionId: session?.sessionId ?? cursor.sessionId,
        cwd: session?.cwd,
        synthesizedSessionId,
      }),
    )
    .catch(() => undefined);
}

function toMeta(
  request: TranslatedRequest,
  plan: ConversationPlan,
  outcome: StreamOutcome,
  startedAt: number,
  holder: ProcessHolder | undefined,
): ResultMeta {
  return {
    costUsd: outcome.response?.metrics.costUsd ?? 0,
    sessionId: outcome.sessionId,
    warnings: warningsOf(request, plan),
    context: contextOf(plan, holder),
    durationMs: Math.round(performance.now() - startedAt),
  };
}

/**
 * How the history reached the CLI, as it turned out: a kept process that failed before answering
 * was replaced by a resume of its session.
 */
export function contextOf(plan: ConversationPlan, holder: ProcessHolder | undefined): ContextMode {
  // A kept process's plan names the session to resume; a continued tool run's does not.
  const keptProcess = plan.context === 'continued' && plan.resumeSessionId !== undefined;
  return keptProcess && holder?.fellBack === true ? 'resumed' : plan.context;
}

/** Ignored parameters of the request plus notes of the plan. */
export function warningsOf(request: TranslatedRequest, plan: ConversationPlan): string[] {
  return [...request.warnings, ...plan.warnings];
}
