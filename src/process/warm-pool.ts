/**
 * @module
 * The warm pool: per launch configuration, a few pre-spawned, initialised CLI processes waiting on
 * stdin. A request takes one at once (saving the ~0.5 s start-up); the pool refills in the background,
 * retires processes that idle too long or reach `maxUses`, and never hands out a dead one.
 *
 * A configuration gets pooled processes only once it is likely to come again: when it was warmed
 * (`prewarm`), or when a request for it arrives while an earlier one is remembered (within
 * `maxIdleMs`). Requests that each carry a new system prompt or model therefore start one CLI
 * each, not one for the request plus a pool nobody will use.
 *
 * Nothing here throws out of a timer or a promise callback: a configuration whose processes fail
 * to start is logged once and no longer refilled (after {@link MAX_START_FAILURES} failures in a
 * row, or at once when spawning itself fails for good, e.g. ENOENT or E2BIG).
 */
import type { ClaudeCodeResponse } from '../core/response.js';
import type { WrapperLogger } from '../observability/logger.js';
import { percentile } from '../observability/run-metrics.js';
import { ClaudeCodeError } from '../core/errors/index.js';
import type { LaunchSpec } from './launch.js';
import { PooledProcess, type ReuseStrategy } from './pooled-process.js';

/** Pool settings (from `warmPool` in the configuration). */
export interface WarmPoolSettings {
  readonly size: number;
  readonly maxIdleMs: number;
  readonly maxUses: number;
  readonly reuse: ReuseStrategy;
  readonly maxConfigs: number;
}

/** Pool state for metrics and `/health`. */
export interface WarmPoolStats {
  readonly configs: number;
  readonly idle: number;
  readonly busy: number;
  readonly starting: number;
  readonly spawns: number;
  readonly spawnFailures: number;
  readonly handoffs: number;
  readonly misses: number;
  readonly reuses: number;
  /** Time to take a ready process, p50 over recent hand-offs. @unit milliseconds */
  readonly handoffLatencyMs: number;
}

/** Start-up failures in a row after which a configuration is no longer refilled. */
export const MAX_START_FAILURES = 3;

/** Configurations seen once that are remembered (oldest forgotten first). */
const SEEN_LIMIT = 1024;

interface ConfigPool {
  readonly spec: LaunchSpec;
  readonly processes: Set<PooledProcess>;
  lastUsed: number;
  failures: number;
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
  #closed = false;
  #spawns = 0;
  #spawnFailures = 0;
  #handoffs = 0;
  #misses = 0;
  #reuses = 0;

  constructor(settings: WarmPoolSettings, logger: WrapperLogger) {
    this.#settings = settings;
    this.#logger = logger;
    this.#sweeper = setInterval(
      () => this.#guard('sweep', () => this.#sweep()),
      Math.min(settings.maxIdleMs, 5_000),
    );
    this.#sweeper.unref();
  }

  /** Extra CLI flags pooled processes need for the reuse strategy. */
  get extraArgs(): string[] {
    return this.#settings.maxUses > 1 && this.#settings.reuse === 'rewind'
      ? ['--replay-user-messages', '--no-session-persistence']
      : [];
  }

  /**
   * Take a ready process for `spec`, or undefined: the caller starts one cold, and the pool for
   * this configuration is topped up in the background if the configuration was requested before
   * (see the module comment).
   */
  take(spec: LaunchSpec): PooledProcess | undefined {
    if (this.#closed) return undefined;
    const started = performance.now();
    let pool = this.#pools.get(spec.key);
    if (!pool) {
      this.#misses += 1;
      if (this.#seenBefore(spec.key)) {
        pool = this.#poolFor(spec);
        this.#refill(pool);
      }
      return undefined;
    }
    pool.lastUsed = Date.now();
    let taken: PooledProcess | undefined;
    for (const candidate of pool.processes) {
      if (candidate.available) {
        taken = candidate;
        break;
      }
    }
    if (taken) {
      taken.state = 'busy';
      taken.uses += 1;
      this.#handoffs += 1;
      this.#recordHandoff(performance.now() - started);
      // No refill now: a CLI start-up costs ~0.8 CPU-s and would compete with the request just
      // handed off. The replacement starts when this process is retired (giveBack).
    } else {
      this.#misses += 1;
      this.#refill(pool);
    }
    return taken;
  }

  /** Start processes for `spec` ahead of the first request. Resolves when they are ready. */
  async warm(spec: LaunchSpec): Promise<void> {
    if (this.#closed) return;
    const pool = this.#poolFor(spec);
    pool.lastUsed = Date.now();
    this.#refill(pool);
    await Promise.all([...pool.processes].map((p) => p.ready));
  }

  /** Return a process after its request: reset and park it, or retire it. */
  giveBack(process: PooledProcess, response: ClaudeCodeResponse | undefined): void {
    const pool = this.#pools.get(process.spec.key);
    const reusable =
      !this.#closed &&
      response !== undefined &&
      !response.isError &&
      process.uses < this.#settings.maxUses &&
      process.cli.isAlive;
    if (!reusable || !pool) {
      this.#retire(process);
      return;
    }
    void process.reset(this.#settings.reuse, response).then(
      (ok) =>
        this.#guard('reuse', () => {
          if (!ok) return this.#retire(process);
          this.#reuses += 1;
          // A replacement may have been started while this one was busy: keep at most `size` idle.
          let idle = 0;
          for (const p of pool.processes) if (p.state === 'idle') idle += 1;
          if (idle > this.#settings.size) this.#retire(process, false);
        }),
      () => this.#retire(process),
    );
  }

  /**
   * Forget a process taken from the pool without ending it: its request keeps it (conversation
   * affinity, see `ProcessHandover`). A replacement starts as when it is retired.
   */
  release(process: PooledProcess): void {
    process.state = 'dead';
    const pool = this.#pools.get(process.spec.key);
    pool?.processes.delete(process);
    if (pool && !this.#closed && Date.now() - pool.lastUsed < this.#settings.maxIdleMs) this.#refill(pool);
  }

  /** Counters and gauges. */
  stats(): WarmPoolStats {
    let idle = 0;
    let busy = 0;
    let starting = 0;
    for (const pool of this.#pools.values()) {
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
      spawns: this.#spawns,
      spawnFailures: this.#spawnFailures,
      handoffs: this.#handoffs,
      misses: this.#misses,
      reuses: this.#reuses,
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
      pool = { spec, processes: new Set(), lastUsed: Date.now(), failures: 0 };
      this.#pools.set(spec.key, pool);
      this.#evictConfigs();
    }
    return pool;
  }

  #refill(pool: ConfigPool): void {
    // Stop after repeated start-up failures: a broken configuration must not become a spawn loop.
    if (this.#closed || pool.failures >= MAX_START_FAILURES) return;
    let ready = 0;
    for (const p of pool.processes) if (p.state === 'idle' || p.state === 'starting') ready += 1;
    for (; ready < this.#settings.size; ready += 1) {
      let process: PooledProcess;
      try {
        process = new PooledProcess(pool.spec);
      } catch (error) {
        // Runs in timers and promise callbacks: a throw here would be uncaught.
        this.#startFailed(pool, { message: (error as Error).message }, true);
        return;
      }
      this.#spawns += 1;
      pool.processes.add(process);
      void process.cli.exited.then(() => pool.processes.delete(process));
      void process.ready.then((ok) => {
        if (ok) {
          pool.failures = 0;
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
        this.#retire(process, false);
      });
      // spawn() threw synchronously: the next one would as well.
      if (process.cli.spawnError) return;
    }
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

  #retire(process: PooledProcess, replace = true): void {
    process.state = 'dead';
    this.#pools.get(process.spec.key)?.processes.delete(process);
    void process.cli.close();
    const pool = this.#pools.get(process.spec.key);
    if (replace && pool && Date.now() - pool.lastUsed < this.#settings.maxIdleMs) this.#refill(pool);
  }

  /** Retire processes idle too long; forget configurations nobody used for `maxIdleMs`. */
  #sweep(): void {
    const now = Date.now();
    // Oldest first: stop at the first one still recent.
    for (const [key, seen] of this.#seen) {
      if (now - seen < this.#settings.maxIdleMs) break;
      this.#seen.delete(key);
    }
    for (const [key, pool] of this.#pools) {
      const unused = now - pool.lastUsed >= this.#settings.maxIdleMs;
      for (const p of pool.processes) {
        if (
          (p.state === 'idle' && now - p.idleSince >= this.#settings.maxIdleMs) ||
          (unused && p.state === 'idle')
        ) {
          p.state = 'dead';
          pool.processes.delete(p);
          void p.cli.close();
        }
      }
      if (unused && pool.processes.size === 0) this.#pools.delete(key);
      else if (!unused) this.#refill(pool);
    }
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
