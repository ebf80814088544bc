/**
 * @module
 * Which CLI run a Messages request with `tool_result` blocks continues, and what happens when none
 * does. Runs suspended on client tool calls are kept per {@link ClaudeCodeWrapper} (so every
 * request of a server, and every call of a client, sees the same ones), keyed by tool_use id.
 *
 * | the results answer… | outcome |
 * |---|---|
 * | exactly the calls a live run waits for | that run continues (`x-claude-code-context: continued`) |
 * | some of them, or others too | 400, as the API answers a turn with missing or unexpected results |
 * | calls of a run that expired (`toolResultTimeoutMs`), died, lost its concurrency slot to another request, or was never kept (the caller ends its run at the call) | `replay` (default): the conversation is answered from its history, rebuilt as a session ending in the results (`synthesized`, see `TOOL_RESULTS_CONTINUATION`), with a warning; `reject`: 400 saying the call expired |
 * | calls this server never saw (another replica's: it is told to end its run, see `replica-notices.ts`) | the conversation is answered from its history, the same way |
 */
import type { ClientToolBridge } from '../tools/tool-bridge.js';
import type { ProcessHolder } from './process-holder.js';
import { SuspendedRuns, type SuspendedRun } from '../tools/suspended-runs.js';
import { AnthropicApiError, invalidRequest } from '../compat/anthropic/errors.js';
import { lastToolUseIds } from '../compat/anthropic/tool-results.js';
import type { TranslatedRequest } from '../compat/anthropic/translate-request.js';

/** A suspended run as the Anthropic layer keeps it. */
export interface ToolRun extends SuspendedRun {
  readonly bridge: ClientToolBridge;
  /** Names of the client tools the run serves. */
  readonly names: ReadonlySet<string>;
  /** Holds the run's process for its conversation's next turn once it answers (conversation affinity). */
  readonly holder?: ProcessHolder | undefined;
}

/** What to do with results for a call whose run is gone: answer from history, or fail with 400. */
export type ExpiredToolResultsPolicy = 'replay' | 'reject';

const registries = new WeakMap<object, SuspendedRuns<ToolRun>>();

/** The suspended runs of `owner` (a wrapper), created on first use. */
export function toolRunsFor(owner: object): SuspendedRuns<ToolRun> {
  let runs = registries.get(owner);
  if (runs === undefined) {
    runs = new SuspendedRuns<ToolRun>();
    registries.set(owner, runs);
  }
  return runs;
}

/** A live run taken over by the request that continues it. */
export interface ClaimedToolRun {
  readonly run: ToolRun;
  /** The concurrency slot the run held while it waited; the claimer holds it now. */
  readonly release: (() => void) | undefined;
}

/**
 * The live run `request` continues, if any (it is removed from `runs`: the caller owns it now,
 * with its concurrency slot).
 * @param warnings receives a note when results for an expired run are replayed.
 * @throws {@link AnthropicApiError} 400 for results that do not match the waiting calls, or for
 * results of an expired run under the `reject` policy.
 */
export function claimToolRun(
  runs: SuspendedRuns<ToolRun>,
  request: TranslatedRequest,
  policy: ExpiredToolResultsPolicy,
  warnings: string[],
): ClaimedToolRun | undefined {
  const turn = request.toolResults;
  if (turn === undefined) return undefined;
  const where = `messages.${request.history.length}`;
  // The API's rule: results answer calls of the assistant message right before them.
  if (request.history.at(-1)?.role === 'assistant') {
    const announced = new Set(lastToolUseIds(request.history));
    const unexpected = turn.ids.filter((id) => !announced.has(id));
    if (unexpected.length > 0) {
      throw invalidRequest(
        `${where}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    }
  }
  const claim = runs.claim(turn.ids);
  switch (claim.kind) {
    case 'live':
      return { run: claim.run, release: claim.release };
    case 'mismatch': {
      const parts = [
        claim.missing.length > 0
          ? `\`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${claim.missing.join(', ')}`
          : undefined,
        claim.unexpected.length > 0
          ? `unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${claim.unexpected.join(', ')}`
          : undefined,
      ].filter((part) => part !== undefined);
      throw invalidRequest(
        `${where}: ${parts.join('; ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
    case 'expired':
      if (policy === 'reject') {
        throw new AnthropicApiError(
          400,
          'invalid_request_error',
          `${where}: the tool call(s) ${turn.ids.join(', ')} are no longer pending: ${claim.reason}. Start the turn again.`,
        );
      }
      warnings.push(
        `the tool call(s) ${turn.ids.join(', ')} were no longer pending (${claim.reason}); the conversation was replayed from its history`,
      );
      return undefined;
    case 'unknown':
      return undefined;
  }
}
