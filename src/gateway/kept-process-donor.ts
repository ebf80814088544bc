/**
 * @module
 * The warm pool's {@link ProcessDonor} for the proxy: when a request for a new conversation finds
 * no ready process, a process kept for another conversation's next turn (conversation affinity)
 * serves it instead of the request waiting for a CLI start-up (~0.45 CPU-s, and on a busy
 * machine up to a second). Back-to-back new conversations then cost one CLI between them instead
 * of one each.
 *
 * The conversation the process leaves stays resumable exactly: before the pool rewinds the
 * process, the rows it wrote for that conversation are read, and afterwards (in the background)
 * written as a session of their own, which the conversation map then names for the conversation's
 * next turn, and which is shared with the other replicas like any answered session. Its next turn
 * is `resumed` from that copy, as it would have been without affinity; a turn branching from an
 * earlier point of it is rebuilt from the request (`synthesized`), since the original session
 * file now continues with another conversation. Nothing of the old conversation reaches the new
 * one: the rewind forgets it, as tested with the real CLI.
 */
import { randomUUID } from 'node:crypto';
import type { DonatedProcess, ProcessDonor } from '../process/process-donor.js';
import {
  readConversationRows,
  writeConversationCopy,
  type ConversationRows,
} from '../session/detach-conversation.js';
import { encodeSessionPoint, type SessionPoint } from '../session/session-point.js';
import type { SessionStore } from '../session/session-store.js';
import type { SharedTranscripts } from '../session/shared-transcripts.js';
import type { ConversationAffinity, ReusedProcess } from './conversation-affinity.js';

/** What the donor needs besides the kept processes. */
export interface KeptProcessDonorOptions {
  /** The conversation map: the conversation a process leaves is mapped to its copy. */
  readonly store: SessionStore;
  /** Sessions shared with other replicas; the copy is stored there too. */
  readonly transcripts?: SharedTranscripts | undefined;
  /** Hears about a conversation that could not be copied (for the log); its next turn is rebuilt. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** See the module comment. */
export class KeptProcessDonor implements ProcessDonor {
  readonly #affinity: ConversationAffinity;
  readonly #options: KeptProcessDonorOptions;

  constructor(affinity: ConversationAffinity, options: KeptProcessDonorOptions) {
    this.#affinity = affinity;
    this.#options = options;
  }

  async donate(launchKey: string): Promise<DonatedProcess | undefined> {
    const candidate = this.#affinity.reusable(launchKey);
    const { transcriptPath, point, origin } = candidate?.entry ?? {};
    if (candidate === undefined || transcriptPath === undefined || point?.atMessage === undefined) {
      return undefined;
    }
    const rows = await readConversationRows(transcriptPath, origin?.transcriptStart ?? 0, point.atMessage);
    // Rows not (yet) where they should be: it stays kept for its own conversation.
    if (rows === undefined || !this.#affinity.takeForReuse(candidate)) return undefined;
    const { cli } = candidate.entry;
    this.#affinity.reused(cli, launchKey, rows.end);
    if (candidate.remap) {
      // In the background; its next turn, should it come before the copy is mapped, waits for it
      // (`ConversationAffinity.moved`, gateway-request.ts).
      this.#affinity.moving(candidate.key, this.#move(candidate, transcriptPath, rows));
    }
    return { cli, rewindTo: rows.firstMessage };
  }

  spare(launchKey: string): number {
    return this.#affinity.spareFor(launchKey);
  }

  /** Copy the conversation into a session of its own and point the conversation map at it. */
  async #move({ key, entry }: ReusedProcess, transcriptPath: string, rows: ConversationRows): Promise<void> {
    const point: SessionPoint = { sessionId: randomUUID(), atMessage: entry.point.atMessage };
    try {
      const copy = await writeConversationCopy(transcriptPath, rows, entry.point.sessionId, point.sessionId);
      await this.#options.store.set(key, encodeSessionPoint(point));
      await this.#options.transcripts?.save(point, copy);
    } catch (error) {
      // The next turn finds the old point, which no longer resumes: it is rebuilt from the request.
      try {
        this.#options.onError?.(error);
      } catch {
        // A reporting callback must not change the outcome.
      }
    }
  }
}
