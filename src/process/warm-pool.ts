/**
 * @module
 * The warm pool: per launch configuration, pre-spawned, initialised CLI processes waiting on stdin.
 * A request takes one at once (saving the ~0.5-0.8 s start-up), and the pool keeps up by itself:
 *
 * - **Sized by recent concurrency.** Each configuration aims at `clamp(peak, minIdle, size)` ready
 *   processes, where `peak` is the most requests of it in flight at once within `demandWindowMs`
 *   ({@link PoolDemand}): sequential traffic keeps one ready, a burst of four finds four next
 *   time, and a quiet configuration shrinks back to `minIdle`. Busy processes that will come back
 *   (process reuse) count as ready, so reuse needs no spares; processes handed over for good
 *   (conversation affinity) do not, so their replacement starts when they are taken, ahead of the
 *   next request. The pool's processes never exceed `maxProcesses` (the run concurrency plus a
 *   margin), busy ones included.
 * - **Spares start only when the CPU is free** of our own work ({@link StartupGate}): one at a
 *   time, not while a run's own CLI is starting, and only while fewer runs are in flight than
 *   there are cores.
 * - **Nothing is wasted.** A request that finds no idle process but one that is starting or being
 *   reset waits for it (it is partway there; a second start-up would only compete with it). With
 *   reuse, a process a run started cold for a pooled configuration is adopted after its request
 *   instead of being ended, when the pool is short: its start-up is already paid for.
 * - **Kept processes come back.** A request that finds no ready process takes one that a
 *   {@link ProcessDonor} can spare (a process kept for a conversation's next turn), rewound to
 *   before its conversation, rather than wait for a start-up: sequential new conversations are
 *   served warm even when spares cannot start as fast as they come. No spare starts for what the
 *   donor would give up anyway ({@link ProcessDonor.spare}).
 * - **One pool across run modes.** Pooled processes always stream partial messages
 *   ({@link WarmPool.launchSpec}); a run that did not ask for them ignores them. So `run()` and
 *   `runStreaming()` share processes instead of keeping one set each.
 *
 * A configuration gets pooled processes only once it is likely to come again: when it was warmed
 * (`prewarm`), or when a request for it arrives while an earlier one is remembered (within
 * `maxIdleMs`). Requests that each carry a new system prompt or model start one CLI each.
 *
 * Nothing here throws out of a timer or a promise callback: a configuration whose processes fail
 * to start is logged once and no longer refilled (after {@link MAX_START_FAILURES} failures in a
 * row, or at once when spawning itself fails for good, e.g. ENOENT or E2BIG).
 */
import type { ClaudeCodeResponse } from '../core/response.js';
import type { WrapperLogger } from '../observability/logger.js';
import { percentile } from '../observability/run-metrics.js';
import { ClaudeCodeError } from '../core/errors/index.js';
import type { CliProcess } from './cli-process.js';
import { resolveLaunchSpec, type LaunchOptions, type LaunchSpec } from './launch.js';
import { PoolDemand } from './pool-demand.js';
import { PooledProcess, type ReuseStrategy } from './pooled-process.js';
import type { ProcessDonor } from './process-donor.js';
import { StartupGate } from './startup-gate.js';

/** Pool settings (from `warmPool` in the configuration). */
export interface WarmPoolSettings {
  /** Most ready processes per configuration (when recent concurrency calls for them). */
  readonly size: number;
  /** Ready processes kept per configuration in use, whatever the recent concurrency. */
  readonly minIdle: number;
  readonly maxIdleMs: number;
  readonly maxUses: number;
  readonly reuse: ReuseStrategy;
  readonly maxConfigs: number;
  /** Most pooled processes at once, busy ones included, over all configurations. */
  readonly maxProcesses: number;
  /** How long a concurrency peak keeps processes ready. @unit milliseconds */
  readonly demandWindowMs: number;
  /** How long a run's own CLI counts as starting (tests shorten it). @unit milliseconds */
  readonly startupMs?: number;
  /** Cores of the machine (tests set it). @default os.availableParallelism() */
  readonly cores?: number;
}

/** Pool state for metrics and `/health`. */
export interface WarmPoolStats {
  readonly configs: number;
  readonly idle: number;
  readonly busy: number;
  readonly starting: number;
  /** Ready processes the pool aims at now, summed over configurations. */
  readonly target: number;
  readonly spawns: number;
  readonly spawnFailures: number;
  /** Requests handed a pooled process (waited-for ones included). */
  readonly handoffs: number;
  /** Of those, requests that waited for a process still starting or being reset. */
  readonly waits: number;
  readonly misses: number;
  readonly reuses: number;
  /** Processes started cold by a run and kept by the pool afterwards. */
  readonly adoptions: number;
  /** Of the hand-offs, processes the donor gave back (kept ones, rewound); not counted in `waits`. */
  readonly recycled: number;
  /** Time to take a ready process, p50 over recent hand-offs. @unit milliseconds */
  readonly handoffLatencyMs: number;
}

/** A run's own (cold) CLI, as the pool tracks it; see {@link WarmPool.coldStarted}. */
export interface ColdRun {
  /**
   * The run ended; `response` when it answered and its process may serve another request. True
   * when the pool kept the process (the caller must not end it), false otherwise.
   */
  finish(response: ClaudeCodeResponse | undefined): boolean;
  /** The run ended and its process went elsewhere for good (conversation affinity). */
  handedOver(): void;
}

/** Start-up failures in a row after which a configuration is no longer refilled. */
export const MAX_START_FAILURES = 3;

/**
 * How long a request waits for a process that is being reset, or until a starting process is this
 * old (a start-up takes ~0.3-0.8 s; one that takes longer is likely stuck). @unit milliseconds
 */
export const HANDOFF_WAIT_MS = 3_000;

/** Configurations seen once that are remembered (oldest forgotten first). */
const SEEN_LIMIT = 1024;

interface ConfigPool {
  readonly spec: LaunchSpec;
  readonly processes: Set<PooledProcess>;
  readonly demand: PoolDemand;
  /** Cold runs in flight whose process may be adopted afterwards. */
  adoptable: number;
  /** How the last hand-off ended: a `released` process does not come back. */
  lastOutcome: 'returned' | 'released' | undefined;
  /** Until then, the configuration aims at `size` ready processes (it was prewarmed). */
  warmUntil: number;
  lastUsed: number;
  failures: number;
  /** When the last start-up failed: the next try waits for a sweep. */
  failedAt: number;
}

/** See the module comment. One pool per wrapper. */
export class WarmPool {
  readonly #settings: WarmPoolSettings;
  readonly #logger: WrapperLogger;
  readonly #pools = new Map<string, ConfigPool>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #handoffLatencies: number[] = [];
  /** Keys of configurations requested once and not pooled (yet), with when; oldest first. */
  readonly #seen = new Map<string, number>();
  /** Processes a waiting request has claimed (not for anyone else). */
  readonly #claimed = new WeakSet<PooledProcess>();
  /** Ends the run a handed-out process is serving, for the start-up gate. */
  readonly #runEnds = new WeakMap<PooledProcess, () => void>();
  readonly #gate: StartupGate;
  readonly #sweepMs: number;
  #closed = false;
  #spawns = 0;
  #spawnFailures = 0;
  #handoffs = 0;
  #waits = 0;
  #misses = 0;
  #reuses = 0;
  #adoptions = 0;
  #recycled = 0;
  #donor: ProcessDonor | undefined;

  constructor(settings: WarmPoolSettings, logger: WrapperLogger) {
    this.#settings = settings;
    this.#logger = logger;
    this.#gate = new StartupGate(() => this.#plan(), settings.startupMs, settings.cores);
    this.#sweepMs = Math.max(50, Math.min(settings.maxIdleMs, settings.demandWindowMs / 2, 5_000));
    this.#sweeper = setInterval(() => this.#guard('sweep', () => this.#sweep()), this.#sweepMs);
    this.#sweeper.unref();
  }

  /** Extra CLI flags pooled processes need for the reuse strategy. */
  get extraArgs(): string[] {
    return this.#settings.maxUses > 1 && this.#settings.reuse === 'rewind'
      ? ['--replay-user-messages', '--no-session-persistence']
      : [];
  }

  /**
   * The launch spec of a fresh run of `options` in this pool. Pooled processes always stream
   * partial messages, whatever the run asked for (a run that did not ask ignores them), so the
   * streaming and non-streaming runs of one configuration share processes.
   */
  launchSpec(options: LaunchOptions): LaunchSpec {
    return resolveLaunchSpec({ ...options, includePartialMessages: true }, {}, this.extraArgs);
  }

  /**
   * A ready process for `spec`: an idle one at once, else one that is starting or being reset
   * once it is ready (at most {@link HANDOFF_WAIT_MS}, or until `signal` aborts); undefined when
   * there is none (the caller starts one cold and tells {@link coldStarted}).
   */
  async acquire(spec: LaunchSpec, signal?: AbortSignal): Promise<PooledProcess | undefined> {
    if (this.#closed) return undefined;
    const started = performance.now();
    const pool = this.#pools.get(spec.key);
    if (!pool) {
      this.#misses += 1;
      // A repeat: pool it from now on. No spare yet: it would start together with this request's
      // own CLI; it starts once that one's start-up is over (coldStarted), unless that is adopted.
      if (this.#seenBefore(spec.key)) this.#poolFor(spec);
      return undefined;
    }
    pool.lastUsed = Date.now();
    let taken = this.#find(pool, (p) => p.available);
    // Resetting first: it is ready within milliseconds.
    const resetting = taken ? undefined : this.#find(pool, (p) => p.state === 'resetting');
    if (!taken && !resetting) {
      // A kept process, rewound (~5-20 ms), rather than a wait for a start-up (~0.3-0.8 s).
      taken = await this.#recycle(pool);
      if (taken) this.#recycled += 1;
    }
    if (!taken) {
      const pending = resetting ?? this.#find(pool, (p) => p.state === 'starting');
      // A process starting for longer than that is likely stuck: a cold start is the better bet.
      const waitMs =
        pending?.state === 'starting' ? HANDOFF_WAIT_MS - (Date.now() - pending.createdAt) : HANDOFF_WAIT_MS;
      if (pending && waitMs > 0) {
        this.#claimed.add(pending);
        const ready = await pending.whenIdle(waitMs, signal);
        this.#claimed.delete(pending);
        if (ready && pending.available && this.#pools.get(spec.key) === pool) {
          taken = pending;
          this.#waits += 1;
        }
      }
    }
    if (!taken || this.#closed) {
      // The caller starts its own CLI now (coldStarted); spares wait for its start-up.
      this.#misses += 1;
      return undefined;
    }
    taken.state = 'busy';
    taken.uses += 1;
    pool.demand.start();
    this.#runEnds.set(taken, this.#gate.beginRun());
    this.#handoffs += 1;
    this.#recordHandoff(performance.now() - started);
    // A process that will not come back is replaced now, ahead of the next request.
    this.#plan();
    return taken;
  }

  /**
   * A run started its own CLI (no pooled process was ready, or the run cannot use one): for a
   * pooled configuration (`spec`) it counts as demand and its process may be adopted afterwards;
   * either way, spares wait until its start-up is over.
   */
  coldStarted(spec: LaunchSpec | undefined, cli: CliProcess): ColdRun {
    const endStartup = this.#gate.beginStartup({ timed: true });
    const endRun = this.#gate.beginRun();
    void cli.exited.then(() => {
      endStartup();
      endRun();
    });
    const pool = spec && !this.#closed ? this.#pools.get(spec.key) : undefined;
    const adoptable = pool !== undefined && this.#settings.maxUses > 1;
    pool?.demand.start();
    if (pool && adoptable) pool.adoptable += 1;
    let finished = false;
    const end = (): boolean => {
      if (finished) return false;
      finished = true;
      endStartup();
      endRun();
      pool?.demand.end();
      if (pool && adoptable) pool.adoptable -= 1;
      return true;
    };
    return {
      finish: (response) => {
        if (!end()) return false;
        const adopted = pool !== undefined && adoptable && this.#adopt(pool, cli, response);
        this.#plan();
        return adopted;
      },
      handedOver: () => {
        if (!end()) return;
        if (pool) pool.lastOutcome = 'released';
        this.#plan();
      },
    };
  }

  /**
   * Where requests that find no ready process may get a kept one (see {@link ProcessDonor});
   * undefined for none.
   */
  setDonor(donor: ProcessDonor | undefined): void {
    this.#donor = donor;
  }

  /** Start processes for `spec` ahead of the first request (`size` of them). Resolves when they are ready. */
  async warm(spec: LaunchSpec): Promise<void> {
    if (this.#closed) return;
    const pool = this.#poolFor(spec);
    pool.lastUsed = Date.now();
    pool.warmUntil = Date.now() + this.#settings.demandWindowMs;
    // Asked for explicitly: started now, not one by one behind the start-up gate.
    while (this.#deficit(pool) > 0 && this.#spawnInto(pool));
    await Promise.all([...pool.processes].map((p) => p.ready));
  }

  /** Return a process after its request: reset and park it, or retire it. */
  giveBack(process: PooledProcess, response: ClaudeCodeResponse | undefined): void {
    this.#endRun(process);
    const pool = this.#pools.get(process.spec.key);
    pool?.demand.end();
    if (pool) pool.lastOutcome = 'returned';
    this.#park(process, pool, response);
  }

  /**
   * Forget a process taken from the pool without ending it: its request keeps it (conversation
   * affinity, see `ProcessHandover`). A replacement starts when the pool is short.
   */
  release(process: PooledProcess): void {
    this.#endRun(process);
    process.state = 'dead';
    const pool = this.#pools.get(process.spec.key);
    pool?.processes.delete(process);
    pool?.demand.end();
    if (pool) pool.lastOutcome = 'released';
    this.#plan();
  }

  /** Counters and gauges. */
  stats(): WarmPoolStats {
    let idle = 0;
    let busy = 0;
    let starting = 0;
    let target = 0;
    for (const pool of this.#pools.values()) {
      target += this.#want(pool);
      for (const p of pool.processes) {
        if (p.state === 'idle') idle += 1;
        else if (p.state === 'starting') starting += 1;
        else if (p.state === 'busy' || p.state === 'resetting') busy += 1;
      }
    }
    return {
      configs: this.#pools.size,
      idle,
      busy,
      starting,
      target,
      spawns: this.#spawns,
      spawnFailures: this.#spawnFailures,
      handoffs: this.#handoffs,
      waits: this.#waits,
      misses: this.#misses,
      reuses: this.#reuses,
      adoptions: this.#adoptions,
      recycled: this.#recycled,
      handoffLatencyMs: percentile(
        [...this.#handoffLatencies].sort((a, b) => a - b),
        0.5,
      ),
    };
  }

  /** Kill every pooled process and stop refilling. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#seen.clear();
    const all = [...this.#pools.values()].flatMap((pool) => [...pool.processes]);
    this.#pools.clear();
    await Promise.all(all.map((p) => p.cli.terminate()));
  }

  #poolFor(spec: LaunchSpec): ConfigPool {
    let pool = this.#pools.get(spec.key);
    if (!pool) {
      pool = {
        spec,
        processes: new Set(),
        demand: new PoolDemand(this.#settings.demandWindowMs),
        adoptable: 0,
        lastOutcome: undefined,
        warmUntil: 0,
        lastUsed: Date.now(),
        failures: 0,
        failedAt: 0,
      };
      this.#pools.set(spec.key, pool);
      this.#evictConfigs();
    }
    return pool;
  }

  #endRun(process: PooledProcess): void {
    this.#runEnds.get(process)?.();
    this.#runEnds.delete(process);
  }

  #find(pool: ConfigPool, match: (p: PooledProcess) => boolean): PooledProcess | undefined {
    for (const p of pool.processes) if (!this.#claimed.has(p) && match(p)) return p;
    return undefined;
  }

  /** Ready processes `pool` aims at: recent peak concurrency within [minIdle, size]. */
  #want(pool: ConfigPool): number {
    const { size, minIdle, maxIdleMs } = this.#settings;
    const now = Date.now();
    if (now < pool.warmUntil) return size;
    // Unused for maxIdleMs: no longer refilled (the sweep retires its processes).
    if (now - pool.lastUsed >= maxIdleMs) return 0;
    return Math.min(size, Math.max(minIdle, pool.demand.peak));
  }

  /** Processes of `pool` that are or will be ready for a request without a new start-up. */
  #supply(pool: ConfigPool): number {
    // Busy processes come back after their request, unless the last hand-off kept its process.
    const returning = this.#settings.maxUses > 1 && pool.lastOutcome !== 'released';
    let supply = returning ? pool.adoptable : 0;
    for (const p of pool.processes) {
      if (p.state === 'idle' || p.state === 'starting' || p.state === 'resetting') supply += 1;
      else if (p.state === 'busy' && returning && p.uses < this.#settings.maxUses) supply += 1;
    }
    return supply;
  }

  #deficit(pool: ConfigPool): number {
    return this.#want(pool) - this.#supply(pool);
  }

  /** Processes of all configurations, busy ones included. */
  #total(): number {
    let total = 0;
    for (const pool of this.#pools.values()) total += pool.processes.size;
    return total;
  }

  /** Start one spare for the configuration that is shortest, when nothing of ours is starting. */
  #plan(): void {
    this.#guard('refill', () => {
      if (this.#closed || !this.#gate.free || this.#total() >= this.#settings.maxProcesses) return;
      let neediest: ConfigPool | undefined;
      let most = 0;
      for (const pool of this.#pools.values()) {
        // Stop after repeated start-up failures, and retry a failed one only a sweep later: a
        // broken configuration must not become a spawn loop.
        if (pool.failures >= MAX_START_FAILURES) continue;
        if (pool.failures > 0 && Date.now() - pool.failedAt < this.#sweepMs) continue;
        // What the donor would give up anyway needs no spare (a request gets it instead).
        const deficit = this.#deficit(pool) - (this.#donor?.spare?.(pool.spec.key) ?? 0);
        if (deficit > most) {
          neediest = pool;
          most = deficit;
        }
      }
      if (neediest) this.#spawnInto(neediest);
    });
  }

  /** Spawn one process into `pool`; false when spawning failed at once. */
  #spawnInto(pool: ConfigPool): boolean {
    if (this.#closed || pool.failures >= MAX_START_FAILURES) return false;
    let process: PooledProcess;
    try {
      process = new PooledProcess(pool.spec);
    } catch (error) {
      // Runs in timers and promise callbacks: a throw here would be uncaught.
      this.#startFailed(pool, { message: (error as Error).message }, true);
      return false;
    }
    this.#spawns += 1;
    pool.processes.add(process);
    // Its start-up ends with `ready` (which also settles when it dies or times out), after a
    // failure was counted: the gate opening first would let a broken configuration spawn again.
    const endStartup = this.#gate.beginStartup();
    void process.cli.exited.then(() => pool.processes.delete(process));
    void process.ready.then((ok) => {
      if (ok) {
        pool.failures = 0;
        endStartup();
        return;
      }
      const spawnError = process.cli.spawnError;
      this.#startFailed(
        pool,
        spawnError ? { message: spawnError.message } : { stderr: process.cli.stderrTail.slice(-500) },
        // ENOENT, EACCES, E2BIG... do not go away by trying again; EAGAIN and friends may.
        spawnError !== undefined && !spawnError.isRetryable,
      );
      // No replacement now: the sweep tries again later, until MAX_START_FAILURES.
      this.#retire(process);
      endStartup();
    });
    // spawn() threw synchronously: the next one would as well.
    return process.cli.spawnError === undefined;
  }

  /** Keep a cold run's process when the pool is short of ready ones; true when kept. */
  #adopt(pool: ConfigPool, cli: CliProcess, response: ClaudeCodeResponse | undefined): boolean {
    if (
      this.#closed ||
      response === undefined ||
      response.isError ||
      !cli.isAlive ||
      this.#pools.get(pool.spec.key) !== pool ||
      this.#deficit(pool) <= 0 ||
      this.#total() >= this.#settings.maxProcesses
    ) {
      return false;
    }
    const process = new PooledProcess(pool.spec, { adopt: cli });
    pool.processes.add(process);
    void cli.exited.then(() => pool.processes.delete(process));
    this.#adoptions += 1;
    this.#park(process, pool, response);
    return true;
  }

  /**
   * A process of `pool`'s configuration from the donor, rewound to before its conversation, or
   * undefined (no donor, none to spare, or the rewind failed: then it is ended).
   */
  async #recycle(pool: ConfigPool): Promise<PooledProcess | undefined> {
    if (this.#donor === undefined || this.#closed) return undefined;
    let donated;
    try {
      donated = await this.#donor.donate(pool.spec.key);
    } catch (error) {
      this.#logger.warn(
        { event: 'pool_donor_failed', message: (error as Error).message },
        'kept process not taken back',
      );
      return undefined;
    }
    if (donated === undefined) return undefined;
    const process = new PooledProcess(pool.spec, { adopt: donated.cli });
    const rewound = !this.#closed && (await process.rewind(donated.rewindTo));
    // The configuration may have been dropped meanwhile (evicted, or the pool closed).
    if (!rewound || this.#closed || this.#pools.get(pool.spec.key) !== pool) {
      this.#retire(process);
      return undefined;
    }
    pool.processes.add(process);
    void donated.cli.exited.then(() => pool.processes.delete(process));
    return process;
  }

  /** After a request: reset `process` for the next one and park it, or retire it. */
  #park(
    process: PooledProcess,
    pool: ConfigPool | undefined,
    response: ClaudeCodeResponse | undefined,
  ): void {
    const reusable =
      !this.#closed &&
      response !== undefined &&
      !response.isError &&
      process.uses < this.#settings.maxUses &&
      process.cli.isAlive;
    if (!reusable || !pool) {
      this.#retire(process);
      this.#plan();
      return;
    }
    void process.reset(this.#settings.reuse, response).then(
      (ok) =>
        this.#guard('reuse', () => {
          if (!ok) {
            this.#retire(process);
            this.#plan();
            return;
          }
          this.#reuses += 1;
          // More ready than wanted (a replacement started meanwhile): retire this one, unless a
          // request is already waiting for it.
          if (!this.#claimed.has(process) && this.#deficit(pool) < 0) this.#retire(process);
        }),
      () => this.#retire(process),
    );
  }

  /** Count a start-up failure; logged once per run of failures of a configuration. */
  #startFailed(pool: ConfigPool, detail: { message?: string; stderr?: string }, permanent: boolean): void {
    this.#spawnFailures += 1;
    if (pool.failures === 0) {
      this.#logger.warn(
        { event: 'pool_spawn_failed', ...detail },
        'warm pool process failed to start; the configuration is refilled at most ' +
          `${MAX_START_FAILURES} times in a row`,
      );
    }
    pool.failures = permanent ? MAX_START_FAILURES : pool.failures + 1;
    pool.failedAt = Date.now();
  }

  /** True when `key` was requested within `maxIdleMs` before; remembers it otherwise. */
  #seenBefore(key: string): boolean {
    const now = Date.now();
    const seen = this.#seen.get(key);
    this.#seen.delete(key);
    if (seen !== undefined && now - seen < this.#settings.maxIdleMs) return true;
    this.#seen.set(key, now);
    if (this.#seen.size > SEEN_LIMIT) {
      const oldest = this.#seen.keys().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    return false;
  }

  /** Run pool maintenance from a timer or callback; log instead of throwing. */
  #guard(task: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#logger.error(
        {
          event: 'pool_maintenance_failed',
          task,
          code: ClaudeCodeError.isInstance(error) ? error.code : undefined,
          message: (error as Error).message,
        },
        'warm pool maintenance failed',
      );
    }
  }

  #retire(process: PooledProcess): void {
    process.state = 'dead';
    this.#pools.get(process.spec.key)?.processes.delete(process);
    void process.cli.close();
  }

  /**
   * Retire idle processes beyond what each configuration aims at (its burst is over) and all of a
   * configuration nobody used for `maxIdleMs`; forget such configurations; then top up.
   */
  #sweep(): void {
    const now = Date.now();
    // Oldest first: stop at the first one still recent.
    for (const [key, seen] of this.#seen) {
      if (now - seen < this.#settings.maxIdleMs) break;
      this.#seen.delete(key);
    }
    for (const [key, pool] of this.#pools) {
      const unused = now - pool.lastUsed >= this.#settings.maxIdleMs;
      // Longest idle first.
      const idle = [...pool.processes]
        .filter((p) => p.state === 'idle' && !this.#claimed.has(p))
        .sort((a, b) => a.idleSince - b.idleSince);
      let surplus = unused ? idle.length : -this.#deficit(pool);
      for (const p of idle) {
        if (surplus <= 0) break;
        this.#retire(p);
        surplus -= 1;
      }
      if (unused && pool.processes.size === 0) this.#pools.delete(key);
    }
    this.#plan();
  }

  #evictConfigs(): void {
    while (this.#pools.size > this.#settings.maxConfigs) {
      let oldest: ConfigPool | undefined;
      for (const pool of this.#pools.values()) if (!oldest || pool.lastUsed < oldest.lastUsed) oldest = pool;
      if (!oldest) return;
      this.#pools.delete(oldest.spec.key);
      for (const p of oldest.processes) if (p.state !== 'busy') void p.cli.close();
    }
  }

  #recordHandoff(ms: number): void {
    this.#handoffLatencies.push(ms);
    if (this.#handoffLatencies.length > 200) this.#handoffLatencies.shift();
  }
}
