/**
 * @module
 * Multi-turn continuation. The Messages API is stateless (every request carries the whole
 * history); the CLI is stateful (sessions). A request whose history is a conversation this backend
 * answered before resumes that CLI session and sends only the new turn:
 *
 * - history empty → a fresh run (`new`);
 * - history known (its key is in the {@link SessionStore}) → `--resume <id> --fork-session`
 *   (`resumed`); forking gives every continuation its own session id, so two clients continuing
 *   the same conversation differently never write into the same session;
 * - history unknown → a session transcript holding it is synthesized and resumed the same way
 *   (`synthesized`), so the API still sees separate user and assistant turns;
 * - as the last resort (the transcript cannot be written, or the CLI cannot find it),
 *   {@link buildContextForUnknownHistory} flattens the history into the prompt (`flattened`).
 *
 * After a successful answer the key of `history + new turn + answer` is stored with the answer's
 * session id and the uuid of its last message (`--resume-session-at`: a session that went on in a
 * kept process, see `conversation-affinity.ts`, holds later turns too), so the next request in the
 * conversation resumes. When the process that answered is still kept for exactly this
 * conversation, the next turn is sent to it instead (`continued`).
 */
import type { ClaudeRun } from '../client/claude-run.js';
import type { RunOptions } from '../client/run-options.js';
import type { ClaudeCodeWrapper } from '../client/wrapper.js';
import { ClaudeCodeError } from '../core/errors/index.js';
import type { PromptBlock } from '../core/prompt.js';
import type { SessionStore } from '../session/session-store.js';
import type { SharedTranscripts } from '../session/shared-transcripts.js';
import { decodeSessionPoint, encodeSessionPoint, type SessionPoint } from '../session/session-point.js';
import { synthesizeTranscript } from '../session/synthesize-transcript.js';
import { modelToolName } from '../tools/client-tool.js';
import { conversationKey } from './conversation-key.js';
import { buildContextForUnknownHistory } from './flatten-history.js';
import type { TranslatedRequest } from '../compat/anthropic/translate-request.js';

/**
 * How the conversation's earlier turns reached the CLI. Reported as `x-claude-code-context`.
 * `continued`: they were already in the live CLI process that answered the previous request, and
 * the new turn went to it (the run that waited for the request's client tool results, or the
 * process kept after answering the conversation so far); nothing was resumed or rebuilt.
 */
export type ContextMode = 'new' | 'resumed' | 'synthesized' | 'flattened' | 'continued';

/** What to run for one request. */
export interface ConversationPlan {
  readonly context: ContextMode;
  /**
   * The session to resume (and fork), for `resumed` and `synthesized`; for `continued` in a kept
   * process, the session to resume should that process fail before answering.
   */
  readonly resumeSessionId?: string;
  /** Resume only up to this message (`--resume-session-at`); with {@link resumeSessionId}. */
  readonly resumeAt?: string;
  /** The prompt to send: the new turn, or the flattened history plus the new turn. */
  readonly prompt: PromptBlock[];
  /** Problems worth telling the caller about (e.g. the session store failed). */
  readonly warnings: readonly string[];
  /** The session to resume was copied from another replica's transcript (it answered last). */
  readonly fromReplica?: boolean | undefined;
}

/**
 * Decide how to run `request`: new, resumed, synthesized or flattened. Never throws: a failing
 * store means "unknown".
 * @param cliEnv The CLI's environment (to find its transcript directory); omit to skip synthesis.
 * @param transcripts Transcripts shared by replicas: a session another replica answered is copied
 * here before it is resumed.
 */
export async function planConversation(
  store: SessionStore,
  request: TranslatedRequest,
  cliEnv?: Readonly<Record<string, string | undefined>>,
  transcripts?: SharedTranscripts,
): Promise<ConversationPlan> {
  if (request.history.length === 0) {
    return { context: 'new', prompt: request.prompt, warnings: storeWarnings(store) };
  }
  let stored: string | undefined;
  try {
    stored = await store.get(historyKey(request));
  } catch {
    // The error names files on the server: the store's owner logs it; the caller gets the gist.
    return rebuiltPlan(request, cliEnv, [STORE_LOOKUP_FAILED]);
  }
  if (stored === undefined) return rebuiltPlan(request, cliEnv);
  const point = decodeSessionPoint(stored);
  // Not found in the store either: the file may still be here (a restarted server); a resume that
  // does not find it is rebuilt then (see `isStaleSession`).
  const copied = transcripts && cliEnv ? (await transcripts.restore(point, cliEnv)) === 'restored' : false;
  return {
    ...resumePlan('resumed', request, point),
    warnings: storeWarnings(store),
    ...(copied ? { fromReplica: true } : {}),
  };
}

/**
 * The plan for a history no stored session holds (or whose session is gone): a synthesized
 * transcript, else the history flattened into the prompt. Tool results for a run this server does
 * not hold (another replica's, or one that expired) are replayed the same way: see
 * {@link TOOL_RESULTS_CONTINUATION}.
 */
export function rebuiltPlan(
  request: TranslatedRequest,
  cliEnv: Readonly<Record<string, string | undefined>> | undefined,
  warnings: readonly string[] = [],
): ConversationPlan {
  // Tool results replayed without tools to serve (`tool_choice: none`) are flattened: the API
  // refuses tool_use and tool_result blocks in a request that defines no tools.
  const unserved = request.toolResults !== undefined && (request.tools?.tools.length ?? 0) === 0;
  if (!cliEnv || unserved) return flattenedPlan(request, warnings);
  const plan = synthesizedPlan(request, cliEnv);
  return warnings.length === 0 ? plan : { ...plan, warnings: [...warnings, ...plan.warnings] };
}

/**
 * The new turn of a replayed tool loop. A CLI session cannot be resumed at a tool call: a
 * transcript ending in one gets the CLI's own "interrupted" result instead of the caller's, and
 * results sent as a prompt are dropped (CLI 2.1.330). So the transcript holds the caller's results
 * as the last user turn, and the CLI, finding that turn unanswered, closes it with its synthetic
 * "No response requested." answer, as on any resumed interrupted session; this note then asks the
 * model to go on from the results, which it sees as the tool_result blocks they are.
 */
export const TOOL_RESULTS_CONTINUATION =
  '<system-reminder>\nThe tool results above answer your tool calls: continue from where you left off.\n</system-reminder>';

/**
 * The plan that sends the new turn to a session holding the history: resumed from `point`
 * (`resumed`), or in the live process kept for it, with `point` to resume should it fail
 * (`continued`). Either way the run keeps the session's system prompt, so the system messages
 * after the new turn ride with it.
 */
export function resumePlan(
  context: 'resumed' | 'continued',
  request: TranslatedRequest,
  point: SessionPoint,
  warnings: readonly string[] = [],
): ConversationPlan {
  return {
    context,
    resumeSessionId: point.sessionId,
    ...(point.atMessage === undefined ? {} : { resumeAt: point.atMessage }),
    prompt: withTrailingSystem(request),
    warnings,
  };
}

/**
 * The new turn of a resumed run, with the text of the system messages after it as a
 * `<system-reminder>` block: on `--resume` the CLI keeps the system prompt the session started with
 * (its transcript's prompt snapshot; probed with CLI 2.1.330), so the run's system prompt cannot
 * carry them there. The block is kept in the session, as the system message is in the history.
 */
function withTrailingSystem(request: TranslatedRequest): PromptBlock[] {
  const reminder = trailingSystemReminder(request);
  return reminder === undefined ? request.prompt : [...request.prompt, { type: 'text', text: reminder }];
}

/**
 * The text of the system messages after the new turn as one `<system-reminder>`, for runs whose
 * system prompt cannot carry it (a resumed session, a continued run); undefined when there is none.
 */
export function trailingSystemReminder(request: TranslatedRequest): string | undefined {
  const text = (request.trailingSystem ?? [])
    .flatMap((message) => message.content as readonly { type: string; text?: unknown }[])
    .map((block) => (typeof block.text === 'string' ? block.text : ''))
    .filter((part) => part.trim() !== '')
    .join('\n\n');
  return text === '' ? undefined : `<system-reminder>\n${text}\n</system-reminder>`;
}

/** Told to the caller when the conversation store could not be read (no server details). */
export const STORE_LOOKUP_FAILED =
  'conversation store unavailable; the history was rebuilt from the request and this turn may not be remembered';

/** Told to the caller while the conversation store is known to be failing. */
export const STORE_UNAVAILABLE = 'conversation store unavailable; this turn may not be remembered';

/** The warning for a store known to be failing (it retries by itself), else none. */
function storeWarnings(store: SessionStore): string[] {
  return store.available === false ? [STORE_UNAVAILABLE] : [];
}

/** The plan that resumes a transcript synthesized from the history; flattened if it cannot be written. */
export function synthesizedPlan(
  request: TranslatedRequest,
  cliEnv: Readonly<Record<string, string | undefined>>,
): ConversationPlan {
  // Tool results (for a run this server does not hold) are the last turn of the transcript.
  const results = request.toolResults !== undefined;
  const turns = results ? [...request.history, request.newTurn] : request.history;
  try {
    const { sessionId } = synthesizeTranscript({
      env: cliEnv,
      // System messages between turns stay system turns in place (never dropped).
      turns: turns.map((message) => ({
        role: message.role,
        content: transcriptContent(message.content, request.tools?.names),
      })),
    });
    const prompt: PromptBlock[] = results
      ? [
          {
            type: 'text',
            text: [TOOL_RESULTS_CONTINUATION, request.tools?.instruction].filter(Boolean).join('\n\n'),
          },
        ]
      : request.prompt;
    return { context: 'synthesized', resumeSessionId: sessionId, prompt, warnings: [] };
  } catch (error) {
    // Only the error's code: its message names the CLI's transcript directory on the server.
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return flattenedPlan(request, [
      `could not synthesize a session for the history${code ? ` (${code})` : ''}; history was flattened`,
    ]);
  }
}

/**
 * Content blocks as the transcript stores them: thinking (signed by the API) and cache hints dropped,
 * and a call to one of the caller's tools named as the model sees that tool (`modelToolName`).
 */
function transcriptContent(
  content: TranslatedRequest['history'][number]['content'],
  clientTools: ReadonlySet<string> | undefined,
): Record<string, unknown>[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return (content as readonly Record<string, unknown>[])
    .filter((block) => block['type'] !== 'thinking' && block['type'] !== 'redacted_thinking')
    .map(({ cache_control: _cacheControl, ...block }) =>
      block['type'] === 'tool_use' && typeof block['name'] === 'string' && clientTools?.has(block['name'])
        ? { ...block, name: modelToolName(block['name']) }
        : block,
    );
}

/** The plan that sends the whole history in the prompt. */
export function flattenedPlan(
  request: TranslatedRequest,
  warnings: readonly string[] = [],
): ConversationPlan {
  return {
    context: 'flattened',
    prompt: buildContextForUnknownHistory(request.history, request.prompt),
    warnings,
  };
}

/** Start the CLI run for a plan. Throws synchronously for invalid options or a missing binary. */
export function startPlannedRun(
  wrapper: ClaudeCodeWrapper,
  plan: ConversationPlan,
  options: RunOptions,
): ClaudeRun {
  if (plan.resumeSessionId === undefined) return wrapper.runStreaming(plan.prompt, options);
  return wrapper.resumeSessionStreaming(plan.resumeSessionId, plan.prompt, {
    ...options,
    fork: true,
    ...(plan.resumeAt === undefined ? {} : { resumeAt: plan.resumeAt }),
  });
}

/**
 * True when a resumed run failed because the CLI no longer has the session (another working
 * directory or HOME, or its transcript was deleted): the request can be retried flattened.
 */
export function isStaleSession(plan: ConversationPlan, error: unknown): boolean {
  return (
    plan.resumeSessionId !== undefined &&
    ClaudeCodeError.isInstance(error) &&
    error.code === 'SESSION_NOT_FOUND'
  );
}

/**
 * Remember that `history + new turn + answer` lives in CLI session `point`. A failing store is
 * ignored: the next request then falls back to flattening, which is slower but correct.
 */
export async function rememberAnswer(
  store: SessionStore,
  request: TranslatedRequest,
  answer: string,
  point: SessionPoint | undefined,
): Promise<void> {
  if (!point?.sessionId) return;
  try {
    await store.set(answerKey(request, answer), encodeSessionPoint(point));
  } catch {
    // Deliberately ignored; see above.
  }
}

/** The key of the conversation as it stands once `answer` answered `request`. */
export function answerKey(request: TranslatedRequest, answer: string): string {
  return conversationKey({
    model: request.model,
    system: request.system,
    messages: [
      ...request.history,
      request.newTurn,
      // The next request carries them in its history where this one had them.
      ...(request.trailingSystem ?? []),
      { role: 'assistant', content: [{ type: 'text', text: answer }] },
    ],
  });
}

/** The key of the conversation `request` continues (its history). */
export function historyKey(request: TranslatedRequest): string {
  return conversationKey({ model: request.model, system: request.system, messages: request.history });
}
