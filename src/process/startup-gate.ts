/**
 * @module
 * When may the warm pool start a spare? A CLI start-up costs ~0.5-0.8 CPU-s within ~0.5-1 s, on
 * two cores about one core's worth. A spare started while a run of ours is itself starting makes
 * that run slower and doubles the CPU spent at that moment (the first request of a configuration
 * used to pay ~2x raw CPU this way). So spares wait until no start-up of ours is in progress: at
 * most one spare starts at a time, and none while a run's own CLI is starting.
 *
 * A run's CLI counts as starting from its spawn until {@link STARTUP_MS} later or its exit,
 * whichever comes first; a pooled spare until it has answered `initialize` (the pool reports that).
 */

/** How long a run's freshly spawned CLI counts as starting. @unit milliseconds */
export const STARTUP_MS = 1_000;

/** Counts start-ups in progress; calls `onFree` each time the count drops to zero. */
export class StartupGate {
  readonly #onFree: () => void;
  readonly #startupMs: number;
  #inProgress = 0;

  /**
   * @param onFree Called (synchronously) whenever the last start-up in progress ends.
   * @param startupMs How long a run's CLI counts as starting (tests shorten it).
   */
  constructor(onFree: () => void, startupMs: number = STARTUP_MS) {
    this.#onFree = onFree;
    this.#startupMs = startupMs;
  }

  /** True while no start-up of ours is in progress. */
  get free(): boolean {
    return this.#inProgress === 0;
  }

  /**
   * A start-up began; the returned function ends it (idempotent). With `timed`, it also ends by
   * itself after the start-up time.
   */
  begin({ timed = false }: { timed?: boolean } = {}): () => void {
    this.#inProgress += 1;
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      this.#inProgress -= 1;
      if (this.#inProgress === 0) this.#onFree();
    };
    const timer = timed ? setTimeout(end, this.#startupMs) : undefined;
    timer?.unref();
    return end;
  }
}
