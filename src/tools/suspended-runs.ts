/**
 * @module
 * `SuspendedRuns`: CLI runs waiting for client tool results, keyed by the tool_use ids the caller
 * will answer. Keying by ids (not by conversation) keeps concurrent conversations apart and needs no
 * history hashing: a `tool_result` names exactly the call it answers.
 *
 * A suspended run holds a CLI process, so it has a deadline: when no result arrives in time the run
 * is aborted (its process killed, a pooled process retired) and its ids are remembered for a while,
 * so that a late answer gets a precise explanation instead of "unknown tool_use id".
 *
 * A run may also hold its request's concurrency slot ({@link HeldSlot}): the slot stays parked in
 * the gate while the run waits, goes to the request that continues the run, and is taken by any
 * request that would otherwise have to wait for one, which stops the run (the oldest first). A
 * later answer to a stopped run is explained like one after the deadline.
 */
import { ClaudeCodeAbortError } from '../core/errors/index.js';
import type { ConcurrencyGate, ParkedSlot } from '../resilience/concurrency-gate.js';
import type { ClientToolBridge } from './tool-bridge.js';
import type { RunCursor } from './run-cursor.js';

/** What is kept for a suspended run. */
export interface SuspendedRun {
  readonly cursor: RunCursor;
  readonly bridge: ClientToolBridge;
  /** The calls the caller must answer (all of them, in one request). */
  readonly toolUseIds: readonly string[];
}

/** A concurrency slot of `gate` the request that suspended a run holds (its `release`). */
export interface HeldSlot {
  readonly gate: ConcurrencyGate;
  readonly release: () => void;
}

/** Outcome of {@link SuspendedRuns.claim}. */
export type ClaimResult<T extends SuspendedRun> =
  /**
   * A live run waits for exactly these results; it now belongs to the claimer, with the
   * concurrency slot it held (`release`), if any.
   */
  | { readonly kind: 'live'; readonly run: T; readonly release?: (() => void) | undefined }
  /** The ids belonged to a run that is gone; `reason` says why. */
  | { readonly kind: 'expired'; readonly reason: string }
  /** No run ever waited for these ids here (another server, a restart, or made-up ids). */
  | { readonly kind: 'unknown' }
  /** A live run waits for a different set of results. The run stays suspended. */
  | {
      readonly kind: 'mismatch';
      readonly missing: readonly string[];
      readonly unexpected: readonly string[];
    };

/** Settings of {@link SuspendedRuns}. */
export interface SuspendedRunsOptions {
  /** How many expired ids to remember for error messages. @default 1000 */
  readonly rememberExpired?: number;
}

/** See the module comment. */
export class SuspendedRuns<T extends SuspendedRun = SuspendedRun> {
  readonly #byId = new Map<string, { run: T; timer: NodeJS.Timeout; slot: ParkedSlot | undefined }>();
  readonly #expired = new Map<string, string>();
  readonly #rememberExpired: number;

  constructor({ rememberExpired = 1000 }: SuspendedRunsOptions = {}) {
    this.#rememberExpired = rememberExpired;
  }

  /** Runs waiting right now. */
  get size(): number {
    return new Set([...this.#byId.values()].map((entry) => entry.run)).size;
  }

  /**
   * Park `run` until its results are claimed, or abort it after `timeoutMs`.
   * @param timeoutMs How long the caller has to send the results. @unit milliseconds
   * @param slot The concurrency slot the run keeps while it waits (parked in its gate; released
   * when the run leaves other than by a claim). When requests already wait for a slot, the run is
   * stopped at once and the slot released to them.
   */
  suspend(run: T, timeoutMs: number, slot?: HeldSlot): void {
    let parked: ParkedSlot | undefined;
    if (slot !== undefined) {
      parked = slot.gate.park(slot.release, () => this.#stop(run, SLOT_TAKEN));
      if (parked === undefined) {
        slot.release();
        this.dismiss(run, SLOT_TAKEN);
        return;
      }
    }
    const timer = setTimeout(() => {
      const seconds = Math.round(timeoutMs / 1000);
      this.#stop(
        run,
        `no tool result arrived within ${seconds} s (toolResultTimeoutMs), so the suspended run was stopped`,
      );
    }, timeoutMs);
    // A waiting run must not keep the host process alive on its own.
    timer.unref();
    for (const id of run.toolUseIds) this.#byId.set(id, { run, timer, slot: parked });
    // A run that ends while parked (crash, shutdown) cannot take results any more.
    run.cursor.result.then(
      () => this.#expire(run, 'the suspended run ended before the tool results arrived'),
      (error: unknown) =>
        this.#expire(
          run,
          `the suspended run failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }

  /**
   * Take the run waiting for exactly `toolUseIds` (the results one request carries).
   * Only a `live` answer removes the run from the registry.
   */
  claim(toolUseIds: readonly string[]): ClaimResult<T> {
    const entry = toolUseIds.map((id) => this.#byId.get(id)).find((found) => found !== undefined);
    if (entry === undefined) {
      const reason = toolUseIds.map((id) => this.#expired.get(id)).find((found) => found !== undefined);
      return reason === undefined ? { kind: 'unknown' } : { kind: 'expired', reason };
    }
    const { run } = entry;
    const given = new Set(toolUseIds);
    const missing = run.toolUseIds.filter((id) => !given.has(id));
    const unexpected = toolUseIds.filter((id) => !run.toolUseIds.includes(id));
    if (missing.length > 0 || unexpected.length > 0) return { kind: 'mismatch', missing, unexpected };
    const release = this.#remove(run)?.slot?.resume();
    return release === undefined ? { kind: 'live', run } : { kind: 'live', run, release };
  }

  /**
   * Stop a run that will get no results instead of parking it (e.g. a client that ends its own run
   * at the call), remembering its calls as expired with `reason` so a late answer is explained.
   */
  dismiss(run: T, reason: string): void {
    this.#remember(run.toolUseIds, reason);
    run.cursor.abort(new ClaudeCodeAbortError(reason));
  }

  /**
   * Stop the runs waiting for any of `toolUseIds` (their results were answered elsewhere, e.g. by
   * another replica), remembering `reason` for a late answer. Returns how many were stopped.
   */
  stopWaitingFor(toolUseIds: readonly string[], reason: string): number {
    const runs = new Set(toolUseIds.flatMap((id) => this.#byId.get(id)?.run ?? []));
    for (const run of runs) this.#stop(run, reason);
    return runs.size;
  }

  /** Abort every waiting run (shutdown). */
  abortAll(reason = 'the server is shutting down'): void {
    for (const { run } of [...this.#byId.values()]) this.#stop(run, reason);
  }

  /** Stop a waiting run: forget it, remember why, kill its CLI. */
  #stop(run: T, reason: string): void {
    this.#expire(run, reason);
    run.cursor.abort(new ClaudeCodeAbortError(reason));
  }

  #expire(run: T, reason: string): void {
    const entry = this.#remove(run);
    if (entry === undefined) return;
    // Still parked (not taken by another request): the slot is free again.
    entry.slot?.resume()?.();
    this.#remember(run.toolUseIds, reason);
  }

  #remember(ids: readonly string[], reason: string): void {
    for (const id of ids) this.#expired.set(id, reason);
    while (this.#expired.size > this.#rememberExpired) {
      const oldest = this.#expired.keys().next().value;
      if (oldest === undefined) break;
      this.#expired.delete(oldest);
    }
  }

  /** Forget `run`; its entry, or undefined when it was not registered (already claimed or expired). */
  #remove(run: T): { timer: NodeJS.Timeout; slot: ParkedSlot | undefined } | undefined {
    let found: { timer: NodeJS.Timeout; slot: ParkedSlot | undefined } | undefined;
    for (const id of run.toolUseIds) {
      const entry = this.#byId.get(id);
      if (entry?.run !== run) continue;
      clearTimeout(entry.timer);
      this.#byId.delete(id);
      found = entry;
    }
    return found;
  }
}

const SLOT_TAKEN =
  'another request needed its concurrency slot (maxConcurrent) while it waited for the tool results, so the suspended run was stopped';
