/**
 * @module
 * `KeptProcesses`: CLI processes kept alive after answering, each under an opaque key (the gateway
 * uses the conversation as it now stands), so that the next turn of exactly that conversation is
 * sent to the same process instead of resuming the session in a newly started one (~0.6-0.8 s of
 * CLI start-up saved per turn).
 *
 * Bounded three ways, least recently kept out first, every evicted process ended (unless the
 * `onEvict` callback takes it over):
 * - count (`maxProcesses`);
 * - idle time (`maxIdleMs`, per process, from the moment it was kept);
 * - memory (`maxMemoryBytes`, the sum of the processes' resident sizes measured when kept; a parked
 *   CLI holds ~230-260 MB).
 *
 * A claim removes the process: two requests racing for the same key get it once, and the other
 * one goes the usual way. Nothing here throws out of a timer or a process callback.
 */
import type { CliProcess } from './cli-process.js';
import { ESTIMATED_CLI_BYTES, residentBytes } from './process-memory.js';

/** What is kept of a process (the registry ends it through these). */
export type KeptCli = Pick<CliProcess, 'pid' | 'isAlive' | 'exited' | 'close' | 'terminate'>;

/** Limits of {@link KeptProcesses}. */
export interface KeptProcessesSettings {
  /** Processes kept at most; 0 keeps none. */
  readonly maxProcesses: number;
  /** A process not claimed for this long is ended. @unit milliseconds */
  readonly maxIdleMs: number;
  /** Sum of the kept processes' resident memory at most. @unit bytes */
  readonly maxMemoryBytes: number;
}

/** Why a kept process was ended (or never kept). */
export type EvictionReason = 'count' | 'idle' | 'memory' | 'exited' | 'replaced' | 'mismatch' | 'moved';

/** State for metrics and health. */
export interface KeptProcessStats {
  /** Processes kept right now. */
  readonly kept: number;
  /** Their resident memory when kept, summed. @unit bytes */
  readonly memoryBytes: number;
  /** Turns sent to a kept process (claims that found one). */
  readonly continuations: number;
  /** Processes taken for another use ({@link KeptProcesses.takeFor}): another conversation. */
  readonly reused: number;
  /** Processes ended without being claimed, by reason. */
  readonly evictions: Readonly<Record<EvictionReason, number>>;
}

/** How {@link KeptProcesses} measures a process (tests replace it). */
export type MeasureBytes = (pid: number | undefined) => number | undefined;

/**
 * Hears about a process ended unclaimed, before it is ended; returning true takes it over (it is
 * then not ended here). Exceptions are ignored.
 */
export type OnEvict<T> = (key: string, entry: T, reason: EvictionReason) => boolean;

interface Slot<T> {
  readonly entry: T;
  readonly bytes: number;
  readonly timer: NodeJS.Timeout;
}

/** See the module comment. */
export class KeptProcesses<T extends { readonly cli: KeptCli }> {
  readonly #settings: KeptProcessesSettings;
  readonly #measure: MeasureBytes;
  /** Insertion order is the order of keeping: the first is the least recently kept. */
  readonly #slots = new Map<string, Slot<T>>();
  readonly #evictions: Record<EvictionReason, number> = {
    count: 0,
    idle: 0,
    memory: 0,
    exited: 0,
    replaced: 0,
    mismatch: 0,
    moved: 0,
  };
  #continuations = 0;
  #reused = 0;
  #bytes = 0;
  #closed = false;

  readonly #onEvict: OnEvict<T> | undefined;

  constructor(settings: KeptProcessesSettings, measure: MeasureBytes = residentBytes, onEvict?: OnEvict<T>) {
    this.#settings = settings;
    this.#measure = measure;
    this.#onEvict = onEvict;
  }

  /** Processes kept right now. */
  get size(): number {
    return this.#slots.size;
  }

  /**
   * Keeping one more process would end the least recently kept one (count or memory), with
   * `coming` more on their way back (taken for another use, to be kept again).
   */
  full(coming = 0): boolean {
    return (
      this.#slots.size + coming >= this.#settings.maxProcesses ||
      this.#bytes + (coming + 1) * ESTIMATED_CLI_BYTES > this.#settings.maxMemoryBytes
    );
  }

  /**
   * Keep `entry`'s process under `key` (this registry owns it from now on). Returns false when it
   * was ended instead: closed registry, dead process, no room (count 0, or alone over the memory
   * budget). Older processes are ended as needed to stay within the limits.
   */
  keep(key: string, entry: T): boolean {
    if (this.#closed || !entry.cli.isAlive || this.#settings.maxProcesses <= 0) {
      void entry.cli.close();
      return false;
    }
    const bytes = this.#measure(entry.cli.pid) ?? ESTIMATED_CLI_BYTES;
    if (bytes > this.#settings.maxMemoryBytes) {
      this.#evictions.memory += 1;
      void entry.cli.close();
      return false;
    }
    this.#evict(key, 'replaced');
    const timer = setTimeout(() => this.#evict(key, 'idle', entry), this.#settings.maxIdleMs);
    // An idle process must not keep the host alive on its own.
    timer.unref();
    this.#slots.set(key, { entry, bytes, timer });
    this.#bytes += bytes;
    void entry.cli.exited.then(() => this.#evict(key, 'exited', entry));
    while (this.#slots.size > this.#settings.maxProcesses) this.#evictOldest('count');
    while (this.#bytes > this.#settings.maxMemoryBytes) this.#evictOldest('memory');
    return true;
  }

  /**
   * Take the process kept under `key`, if it is alive and `accepts` it (else it is ended as a
   * `mismatch`). The caller owns it from now on.
   */
  claim(key: string, accepts: (entry: T) => boolean = () => true): T | undefined {
    const slot = this.#remove(key);
    if (slot === undefined) return undefined;
    if (!slot.entry.cli.isAlive) {
      this.#evictions.exited += 1;
      return undefined;
    }
    if (!accepts(slot.entry)) {
      this.#evictions.mismatch += 1;
      void slot.entry.cli.close();
      return undefined;
    }
    this.#continuations += 1;
    return slot.entry;
  }

  /**
   * The least recently kept process whose entry `matches`, when more than `leave` match; it stays
   * kept (see {@link takeFor}).
   */
  oldest(matches: (entry: T) => boolean, leave = 1): { key: string; entry: T } | undefined {
    const all = this.#matching(matches);
    return all.length > leave ? all[0] : undefined;
  }

  /** How many kept processes' entries `matches`. */
  count(matches: (entry: T) => boolean): number {
    return this.#matching(matches).length;
  }

  /**
   * Take `entry`, kept under `key`, for another use (counted as `reused`); false when it is no
   * longer kept there (claimed, evicted or exited meanwhile). The caller owns it from then on.
   */
  takeFor(key: string, entry: T): boolean {
    if (this.#slots.get(key)?.entry !== entry || !entry.cli.isAlive) return false;
    this.#remove(key);
    this.#reused += 1;
    return true;
  }

  /** End the process kept under `key`, if any, counting it as evicted for `reason`. */
  end(key: string, reason: EvictionReason): void {
    this.#evict(key, reason);
  }

  /** Counters and gauges. */
  stats(): KeptProcessStats {
    return {
      kept: this.#slots.size,
      memoryBytes: this.#bytes,
      continuations: this.#continuations,
      reused: this.#reused,
      evictions: { ...this.#evictions },
    };
  }

  /** End every kept process and keep none from now on. Resolves once they have exited. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = [...this.#slots.keys()].map((key) => this.#remove(key));
    await Promise.all(slots.map((slot) => slot?.entry.cli.terminate()));
  }

  /** Live kept processes whose entry `matches`, least recently kept first. */
  #matching(matches: (entry: T) => boolean): { key: string; entry: T }[] {
    const all: { key: string; entry: T }[] = [];
    for (const [key, slot] of this.#slots) {
      if (slot.entry.cli.isAlive && matches(slot.entry)) all.push({ key, entry: slot.entry });
    }
    return all;
  }

  #evictOldest(reason: EvictionReason): void {
    const oldest = this.#slots.keys().next();
    if (!oldest.done) this.#evict(oldest.value, reason);
  }

  /** End the process under `key` (only if it is still `entry`'s, when given). */
  #evict(key: string, reason: EvictionReason, entry?: T): void {
    const slot = this.#slots.get(key);
    if (slot === undefined || (entry !== undefined && slot.entry !== entry)) return;
    this.#remove(key);
    this.#evictions[reason] += 1;
    if (this.#takenOver(key, slot.entry, reason)) return;
    void slot.entry.cli.close();
  }

  /** Whether {@link OnEvict} took the process over. */
  #takenOver(key: string, entry: T, reason: EvictionReason): boolean {
    if (this.#closed || this.#onEvict === undefined || !entry.cli.isAlive) return false;
    try {
      return this.#onEvict(key, entry, reason);
    } catch {
      return false;
    }
  }

  #remove(key: string): Slot<T> | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    this.#slots.delete(key);
    clearTimeout(slot.timer);
    this.#bytes -= slot.bytes;
    return slot;
  }
}
