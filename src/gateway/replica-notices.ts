/**
 * @module
 * What a replica tells the others at once, on a Redis channel, about state that lives in another
 * replica's memory and must not wait for a deadline:
 *
 * - **client tool runs answered elsewhere**: a run suspended on client tool calls lives (with its
 *   CLI process) in the replica that answered the calls; a load balancer may send the request with
 *   the results to another one. That replica answers from the history (it never saw the run) and
 *   announces the tool_use ids; the replica holding the run ends it at once, with its process and
 *   concurrency slot, instead of at its deadline (`toolResultTimeoutMs`). A late request to it with
 *   the same results is then answered from the history too, with the reason.
 * - **conversations continued elsewhere**: the process that answered a turn is kept for the
 *   conversation's next turn (conversation affinity); when that turn is resumed on another replica
 *   (from the shared transcript), the conversation has moved on and the kept process (~210 MB) can
 *   never take a turn again, so its replica ends it now rather than when it idles out.
 */
import { randomUUID } from 'node:crypto';
import type { RedisChannel } from '../storage/redis-channel.js';
import type { SuspendedRuns } from '../tools/suspended-runs.js';
import type { ConversationAffinity } from './conversation-affinity.js';
import type { ToolRun } from './tool-runs.js';

/** Why a run ended by a notice was stopped (what a late answer to it is told). */
export const ANSWERED_ELSEWHERE =
  'its tool results were answered by another replica of the proxy, so the suspended run was stopped';

/** What the notices act on, in this replica. */
export interface NoticeTargets {
  readonly toolRuns: SuspendedRuns<ToolRun>;
  readonly affinity?: ConversationAffinity | undefined;
}

/** See the module comment. One per service. */
export class ReplicaNotices {
  readonly #channel: RedisChannel;
  readonly #targets: NoticeTargets;
  /** This replica, so that its own notices are not applied to it. */
  readonly #self = randomUUID();
  readonly #onError: ((error: unknown) => void) | undefined;

  /** @param onError Hears about notices that could not be sent or listened to (for the log). */
  constructor(channel: RedisChannel, targets: NoticeTargets, onError?: (error: unknown) => void) {
    this.#channel = channel;
    this.#targets = targets;
    this.#onError = onError;
  }

  /** Start listening for the other replicas' notices. Never rejects (a failure goes to `onError`). */
  async listen(): Promise<void> {
    await this.#channel
      .subscribe((message) => this.#apply(message))
      .catch((error: unknown) => this.#onError?.(error));
  }

  /** The calls `toolUseIds` were answered here: a run waiting for them elsewhere ends. In the background. */
  toolResultsAnswered(toolUseIds: readonly string[]): void {
    this.#send({ from: this.#self, ids: [...toolUseIds] });
  }

  /**
   * The conversation whose key (as it stood after its last answer) is `conversationKey` was resumed
   * here: a process kept for it elsewhere ends. In the background.
   */
  conversationMoved(conversationKey: string): void {
    this.#send({ from: this.#self, conversation: conversationKey });
  }

  /** Stop listening. */
  close(): Promise<void> {
    return this.#channel.close();
  }

  #send(notice: Notice): void {
    this.#channel.publish(JSON.stringify(notice)).catch((error: unknown) => this.#onError?.(error));
  }

  #apply(message: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(message) as Notice;
    } catch {
      return;
    }
    if (notice.from === this.#self) return;
    if (Array.isArray(notice.ids)) {
      const ids = notice.ids.filter((id): id is string => typeof id === 'string');
      this.#targets.toolRuns.stopWaitingFor(ids, ANSWERED_ELSEWHERE);
    }
    if (typeof notice.conversation === 'string') this.#targets.affinity?.release(notice.conversation);
  }
}

/** What travels on the channel. */
interface Notice {
  readonly from: string;
  readonly ids?: readonly unknown[];
  readonly conversation?: unknown;
}
