/**
 * @module
 * Conversation affinity: the CLI process that answered a turn stays alive (idle, bounded: see
 * {@link KeptProcesses}) under the key of the conversation as it now stands, the key the
 * conversation map stores the answer's session under. A request that continues exactly that
 * conversation, with the run settings the process was started with, sends its new turn to that
 * process: no start-up, no `--resume` (`x-claude-code-context: continued`). The API call is the
 * one the resume would make (the CLI holds the same messages either way; only the session id in
 * its request metadata differs).
 *
 * Everything else goes the usual way: a branched or edited history has another key; a request
 * racing for the same continuation finds the process already claimed and resumes (with a fork) from
 * the conversation map; a request with other settings ends the kept process and resumes.
 *
 * A run with client tools keeps its process across the requests of its tool loop (suspended runs)
 * and, once it answers, for the next turn too: the kept process has the caller's tools registered,
 * so it takes only a request serving the same tools (a new bridge answers their calls). Runs with
 * structured output (the session holds a tool call where the caller got text) are never kept.
 *
 * A kept process that was started fresh (from the warm pool's launch spec, not with `--resume`),
 * never had the caller's tools registered nor Claude Code's own tools on, can also serve a new
 * conversation of the same configuration when the pool has no ready process
 * (see `kept-process-donor.ts`): first one that was ended unclaimed (the count or memory bound
 * ended its conversation, or a later process answered the same conversation) and waits as a free
 * process instead, else the least recently kept one, never the only one kept of its configuration
 * (its conversation is the likeliest to go on).
 */
import type { CliProcess } from '../process/cli-process.js';
import {
  KeptProcesses,
  type EvictionReason,
  type KeptProcessesSettings,
  type KeptProcessStats,
} from '../process/kept-processes.js';
import type { SessionPoint } from '../session/session-point.js';
import type { TranslatedRequest } from '../compat/anthropic/translate-request.js';
import { canonicalJson } from './conversation-key.js';
import { ProcessHolder } from './process-holder.js';
import { createHash } from 'node:crypto';

export type { KeptProcessesSettings, KeptProcessStats };

/**
 * The proxy's limits for kept processes (`serve`'s `conversationProcesses`, `conversationIdleMs`,
 * `conversationMemoryMb`), and what `ClaudeCodeAnthropic` takes for the ones it is not given.
 */
export const KEPT_PROCESS_DEFAULTS: KeptProcessesSettings = {
  maxProcesses: 4,
  maxIdleMs: 300_000,
  // A parked CLI holds ~230-260 MB: room for the four.
  maxMemoryBytes: 1024 * 1024 * 1024,
};

/** The most processes that can be kept (`maxProcesses`), wherever the limit is configured. */
export const MAX_KEPT_PROCESSES = 256;

/** What is kept with a process. */
export interface KeptConversation {
  readonly cli: CliProcess;
  /** The run settings it was started with ({@link settingsKey}). */
  readonly settings: string;
  /** Where the conversation is in the CLI's session, to resume it should the process fail. */
  readonly point: SessionPoint;
  /** Where the process writes its session (undefined without session persistence). */
  readonly transcriptPath?: string | undefined;
  /** How the process was started, when it can serve another conversation (see {@link ProcessOrigin}). */
  readonly origin?: ProcessOrigin | undefined;
}

/** A process started fresh: from which launch spec, and where its current conversation's rows start. */
export interface ProcessOrigin {
  /** The key of the launch spec it was started from (the warm pool's configuration). */
  readonly launchKey: string;
  /** Where its current conversation's rows start in its session file. @unit bytes */
  readonly transcriptStart: number;
}

/** A kept process given up for another conversation: what it was kept for. */
export interface ReusedProcess {
  /** The conversation key it was kept under. */
  readonly key: string;
  readonly entry: KeptConversation;
  /**
   * The conversation map may still name its session for `key`, so the conversation must be moved
   * to a copy before the process serves another; false when another kept process answered the
   * same conversation later (the map names that one).
   */
  readonly remap: boolean;
}

/** Counters and gauges of {@link ConversationAffinity}. */
export interface ConversationProcessStats extends KeptProcessStats {
  /** Processes ended unclaimed that wait to serve a new conversation instead (see the module comment). */
  readonly free: number;
}

/** Evictions after which a process can serve a new conversation instead of being ended. */
const FREEING: ReadonlySet<EvictionReason> = new Set(['count', 'memory', 'replaced']);

/** Free processes at most, over all launch specs (one per launch spec). */
const MAX_FREE = 2;

/**
 * How long a free process waits for a new conversation at most (less when kept processes wait
 * less): it is there for a stream of new conversations, not to hold memory while none comes.
 * @unit milliseconds
 */
const FREE_IDLE_MS = 60_000;

interface FreeProcess extends ReusedProcess {
  readonly timer: NodeJS.Timeout;
}

/** A kept process claimed by a request: the process and where to resume should it fail. */
export interface ClaimedProcess {
  readonly holder: ProcessHolder;
  readonly point: SessionPoint;
}

/** See the module comment. One per service. */
export class ConversationAffinity {
  readonly #kept: KeptProcesses<KeptConversation>;
  /** Processes started fresh, whether kept right now or running a turn. */
  readonly #origins = new WeakMap<CliProcess, ProcessOrigin>();
  /** Kept processes serving another conversation now: they come back once it is answered. */
  readonly #lent = new Set<CliProcess>();
  /** By launch spec: a process ended unclaimed that can serve a new conversation, until idle. */
  readonly #free = new Map<string, FreeProcess>();
  /**
   * By conversation key: conversations whose process was given to another and whose copy (see
   * `kept-process-donor.ts`) is still being written; their next turn waits for it ({@link moved}).
   */
  readonly #moving = new Map<string, Promise<void>>();
  readonly #freeIdleMs: number;
  #freeReused = 0;
  #closed = false;

  constructor(settings: KeptProcessesSettings) {
    this.#freeIdleMs = Math.min(settings.maxIdleMs, FREE_IDLE_MS);
    this.#kept = new KeptProcesses(settings, undefined, (key, entry, reason) =>
      this.#freed(key, entry, reason),
    );
  }

  /** Whether runs of `request` may be kept and continued (not with structured output). */
  eligible(request: TranslatedRequest): boolean {
    return request.runOptions.jsonSchema === undefined;
  }

  /**
   * The process kept for the conversation `request` continues (its history), if any and if it
   * was started with the settings `request` runs with; it belongs to the returned holder now.
   */
  claim(request: TranslatedRequest, historyKey: string): ClaimedProcess | undefined {
    if (!this.eligible(request) || request.toolResults !== undefined) return undefined;
    const settings = settingsKey(request);
    const kept = this.#kept.claim(historyKey, (entry) => entry.settings === settings);
    return kept && { holder: new ProcessHolder(kept.cli), point: kept.point };
  }

  /**
   * Keep the process that answered `request` (held by `holder`) under `answerKey`, the
   * conversation as it now stands, writing its session to `transcriptPath`. Without one (a fresh
   * run handed none over) nothing happens.
   */
  keep(
    holder: ProcessHolder,
    request: TranslatedRequest,
    answerKey: string,
    point: SessionPoint,
    transcriptPath?: string,
  ): void {
    const answering = holder.takeAnswering();
    if (answering === undefined) return;
    const { cli, launchKey } = answering;
    this.#lent.delete(cli);
    const known = this.#origins.get(cli);
    // A fresh start's conversation begins at the start of its session file, or where the rewind
    // that made it serve this conversation left the file. A process with Claude Code's own tools
    // on may have changed files or its state beyond the conversation: it serves no other.
    const cliTools = request.runOptions.tools?.length !== 0;
    const origin =
      launchKey === undefined || cliTools
        ? known
        : { launchKey, transcriptStart: known?.transcriptStart ?? 0 };
    if (origin !== undefined) this.#origins.set(cli, origin);
    this.#kept.keep(answerKey, { cli, settings: settingsKey(request), point, transcriptPath, origin });
  }

  /**
   * The least recently kept process started from launch spec `launchKey` (with a transcript to
   * move its conversation out of), unless it is the only one kept from it; it stays kept until
   * {@link takeForReuse}.
   */
  reusable(launchKey: string): ReusedProcess | undefined {
    const free = this.#free.get(launchKey);
    if (free?.entry.cli.isAlive) return free;
    const kept = this.#kept.oldest((entry) => reusableFrom(entry, launchKey));
    return kept && { ...kept, remap: true };
  }

  /**
   * 1 when a process started from `launchKey` can serve another conversation at no loss: a free
   * one, or keeping one more process (counting those serving another conversation now, which come
   * back) would end the least recently kept one anyway, and that one can be reused.
   */
  spareFor(launchKey: string): number {
    if (this.#free.get(launchKey)?.entry.cli.isAlive) return 1;
    if (!this.#kept.full(this.#lent.size)) return 0;
    // Once the lent ones are kept again, more than one of this launch spec: one can go.
    let coming = 0;
    for (const cli of this.#lent) if (this.#origins.get(cli)?.launchKey === launchKey) coming += 1;
    return this.#kept.count((entry) => reusableFrom(entry, launchKey)) + coming > 1 ? 1 : 0;
  }

  /** Take `candidate` (from {@link reusable}); false when it is no longer there. The caller owns it then. */
  takeForReuse(candidate: ReusedProcess): boolean {
    const launchKey = candidate.entry.origin?.launchKey;
    const free = launchKey === undefined ? undefined : this.#free.get(launchKey);
    if (free !== undefined && free.entry === candidate.entry) {
      this.#free.delete(launchKey ?? '');
      clearTimeout(free.timer);
      if (!free.entry.cli.isAlive) return false;
      this.#freeReused += 1;
      return true;
    }
    return this.#kept.takeFor(candidate.key, candidate.entry);
  }

  /** `cli` now serves a new conversation, whose rows start at `transcriptStart` in its session file. */
  reused(cli: CliProcess, launchKey: string, transcriptStart: number): void {
    this.#origins.set(cli, { launchKey, transcriptStart });
    this.#lent.add(cli);
    void cli.exited.then(() => this.#lent.delete(cli));
  }

  /**
   * The conversation kept under `key` is being moved to a session of its own (`move`, which never
   * rejects): until it settles, {@link moved} makes its next turn wait for the conversation map to
   * name the copy instead of finding the session now continued by another conversation.
   */
  moving(key: string, move: Promise<void>): void {
    const settled = move.finally(() => {
      if (this.#moving.get(key) === settled) this.#moving.delete(key);
    });
    this.#moving.set(key, settled);
  }

  /** Resolves once the conversation under `key` is no longer being moved (at once when it is not). */
  async moved(key: string): Promise<void> {
    await this.#moving.get(key);
  }

  /**
   * End the process kept under `answerKey`, if any: its conversation went on elsewhere (another
   * replica resumed it), so no turn can come to it any more.
   */
  release(answerKey: string): void {
    this.#kept.end(answerKey, 'moved');
  }

  /** Counters and gauges. */
  stats(): ConversationProcessStats {
    const kept = this.#kept.stats();
    return { ...kept, reused: kept.reused + this.#freeReused, free: this.#free.size };
  }

  /** End every kept process; none is kept from now on. */
  async close(): Promise<void> {
    this.#closed = true;
    const free = [...this.#free.values()];
    this.#free.clear();
    for (const { timer } of free) clearTimeout(timer);
    await Promise.all([this.#kept.close(), ...free.map(({ entry }) => entry.cli.terminate())]);
  }

  /**
   * A kept process ended unclaimed (`reason`): when it was started fresh and its conversation was
   * ended by another process (count, memory) or answered again by one (`replaced`), it waits to
   * serve a new conversation of its launch spec instead (one per launch spec, {@link MAX_FREE} in
   * all, for {@link FREE_IDLE_MS} at most). True when taken.
   */
  #freed(key: string, entry: KeptConversation, reason: EvictionReason): boolean {
    const launchKey = entry.origin?.launchKey;
    if (this.#closed || !FREEING.has(reason) || launchKey === undefined || !reusableFrom(entry, launchKey)) {
      return false;
    }
    this.#endFree(this.#free.get(launchKey));
    if (this.#free.size >= MAX_FREE) this.#endFree(this.#free.values().next().value);
    const timer = setTimeout(() => this.#endFree(this.#free.get(launchKey), entry), this.#freeIdleMs);
    timer.unref();
    this.#free.set(launchKey, { key, entry, remap: reason !== 'replaced', timer });
    return true;
  }

  /** End `free` (only if it still holds `entry`, when given). */
  #endFree(free: FreeProcess | undefined, entry?: KeptConversation): void {
    if (free === undefined || (entry !== undefined && free.entry !== entry)) return;
    const launchKey = free.entry.origin?.launchKey;
    if (launchKey !== undefined && this.#free.get(launchKey) === free) this.#free.delete(launchKey);
    clearTimeout(free.timer);
    void free.entry.cli.close();
  }
}

/** Whether the process of `entry` was started from `launchKey` and can leave its conversation. */
function reusableFrom(entry: KeptConversation, launchKey: string): boolean {
  return (
    entry.origin?.launchKey === launchKey &&
    entry.transcriptPath !== undefined &&
    entry.point.atMessage !== undefined
  );
}

/**
 * The run settings that are fixed when a CLI process starts (argv, environment, `initialize`) and
 * the client tools it serves (registered on the process), as a key: a kept process takes a turn
 * only from a request with the same. The system prompt is left out: the conversation key already
 * fixes `system`, and what the system messages after a turn add is sent with the turn once a
 * session exists (a resumed session keeps its system prompt too).
 */
function settingsKey(request: TranslatedRequest): string {
  const { systemPrompt: _system, appendSystemPrompt: _append, ...fixed } = request.runOptions;
  const tools = request.tools?.tools ?? [];
  return createHash('sha256').update(canonicalJson({ fixed, tools })).digest('hex');
}
