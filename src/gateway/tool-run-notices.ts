/**
 * @module
 * Client tool loops across replicas. A run suspended on client tool calls lives in the memory (and
 * a CLI process) of the replica that answered the calls; a load balancer may send the request with
 * the results to another one. That replica answers from the history (it never saw the run) and
 * announces the tool_use ids on a Redis channel; the replica holding the run ends it at once, with
 * its process and concurrency slot, instead of at its deadline (`toolResultTimeoutMs`). A late
 * request to it with the same results is then answered from the history too, with the reason.
 */
import { randomUUID } from 'node:crypto';
import type { RedisChannel } from '../storage/redis-channel.js';
import type { SuspendedRuns } from '../tools/suspended-runs.js';
import type { ToolRun } from './tool-runs.js';

/** Why a run ended by a notice was stopped (what a late answer to it is told). */
export const ANSWERED_ELSEWHERE =
  'its tool results were answered by another replica of the proxy, so the suspended run was stopped';

/** See the module comment. One per service. */
export class ToolRunNotices {
  readonly #channel: RedisChannel;
  readonly #runs: SuspendedRuns<ToolRun>;
  /** This replica, so that its own notices are not applied to it. */
  readonly #self = randomUUID();
  readonly #onError: ((error: unknown) => void) | undefined;

  /** @param onError Hears about notices that could not be sent or listened to (for the log). */
  constructor(channel: RedisChannel, runs: SuspendedRuns<ToolRun>, onError?: (error: unknown) => void) {
    this.#channel = channel;
    this.#runs = runs;
    this.#onError = onError;
  }

  /** Start listening for the other replicas' notices. Never rejects (a failure goes to `onError`). */
  async listen(): Promise<void> {
    await this.#channel
      .subscribe((message) => this.#apply(message))
      .catch((error: unknown) => this.#onError?.(error));
  }

  /**
   * Tell the other replicas that the calls `toolUseIds` were answered here. In the background: the
   * request does not wait for it, and a failure goes to `onError`.
   */
  announce(toolUseIds: readonly string[]): void {
    const notice: Notice = { from: this.#self, ids: [...toolUseIds] };
    this.#channel.publish(JSON.stringify(notice)).catch((error: unknown) => this.#onError?.(error));
  }

  /** Stop listening. */
  close(): Promise<void> {
    return this.#channel.close();
  }

  #apply(message: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(message) as Notice;
    } catch {
      return;
    }
    if (notice.from === this.#self || !Array.isArray(notice.ids)) return;
    const ids = notice.ids.filter((id): id is string => typeof id === 'string');
    this.#runs.stopWaitingFor(ids, ANSWERED_ELSEWHERE);
  }
}

/** What travels on the channel. */
interface Notice {
  readonly from: string;
  readonly ids: readonly unknown[];
}
