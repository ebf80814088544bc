/**
 * @module
 * When may the warm pool start a spare? A CLI start-up costs ~0.3-0.5 CPU-s within ~0.5 s (and
 * ~0.15 more in the seconds after), about one core's worth. Started while the CPU is busy with our
 * own work, a spare makes that work slower: a spare started together with a run's own CLI doubled
 * the CPU of a configuration's first request, and spares started during a burst slow the burst's
 * runs down. So a spare starts only when
 *
 * - no start-up of ours is in progress (at most one spare starts at a time, and none while a run's
 *   own CLI is starting), and
 * - fewer runs of ours are in flight than the machine has cores, so one core is free for it.
 *
 * A run's CLI counts as starting from its spawn until {@link STARTUP_MS} later or its exit,
 * whichever comes first; a pooled spare until it has answered `initialize` (the pool reports that).
 */
import { availableParallelism } from 'node:os';

/** How long a run's freshly spawned CLI counts as starting. @unit milliseconds */
export const STARTUP_MS = 1_000;

/** Counts our start-ups and runs in flight; calls `onFree` each time spares may start again. */
export class StartupGate {
  readonly #onFree: () => void;
  readonly #startupMs: number;
  readonly #cores: number;
  #startups = 0;
  #runs = 0;

  /**
   * @param onFree Called (synchronously) whenever the gate may have become free.
   * @param startupMs How long a run's CLI counts as starting (tests shorten it).
   * @param cores Cores of the machine (tests set it). @default os.availableParallelism()
   */
  constructor(onFree: () => void, startupMs: number = STARTUP_MS, cores: number = availableParallelism()) {
    this.#onFree = onFree;
    this.#startupMs = startupMs;
    this.#cores = Math.max(1, cores);
  }

  /** True when a spare may start now. */
  get free(): boolean {
    return this.#startups === 0 && this.#runs < this.#cores;
  }

  /**
   * A start-up began; the returned function ends it (idempotent). With `timed`, it also ends by
   * itself after the start-up time.
   */
  beginStartup({ timed = false }: { timed?: boolean } = {}): () => void {
    this.#startups += 1;
    const end = this.#once(() => {
      clearTimeout(timer);
      this.#startups -= 1;
    });
    const timer = timed ? setTimeout(end, this.#startupMs) : undefined;
    timer?.unref();
    return end;
  }

  /** A run began; the returned function ends it (idempotent). */
  beginRun(): () => void {
    this.#runs += 1;
    return this.#once(() => {
      this.#runs -= 1;
    });
  }

  #once(release: () => void): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
      if (this.free) this.#onFree();
    };
  }
}
