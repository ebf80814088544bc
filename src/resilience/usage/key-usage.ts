/**
 * @module
 * Per-API-key usage and limits: requests per minute, runs at once, spend per UTC day and month.
 * Clients are known by a fingerprint of their key (never the key) and shown by name.
 *
 * Where the counts live: with `redisUrl` everything is in Redis, so every replica enforces one
 * budget; otherwise requests and runs are counted in memory (both describe the present, which a
 * restart ends anyway) and spend goes to the embedded store when `spendPath` is a directory, so it
 * survives restarts, or memory. Spend is charged after a run from its real cost: a run admitted
 * under the budget finishes, and the next one is refused. Charges still being written are counted
 * by this process, so its own next request sees them at once.
 *
 * A store that fails makes {@link KeyUsage.countRequest} and {@link KeyUsage.admitRun} reject with
 * the store's error when the key has a limit the store must check: the caller refuses the request
 * rather than run it unlimited, as the shared rate limit does (`resilience/rate-limiter.ts`). A key
 * without that limit goes on, uncounted; its spend is still charged when the store takes it.
 */
import { FileKeyValueStore } from '../../storage/file-store.js';
import { counterValue, MemoryKeyValueStore, type CounterStore } from '../../storage/key-value-store.js';
import { RedisConnection, RedisKeyValueStore } from '../../storage/redis-store.js';
import { KeyLimitError, type KeyLimitName } from './key-limit-error.js';
import { RedisRunLeases } from './redis-run-leases.js';
import { createRequestCounter, type RequestCounter } from './request-counter.js';
import { MemoryRunLeases, type RunLease, type RunLeases } from './run-leases.js';
import { secondsUntil, usageWindow, type UsageWindow } from './usage-windows.js';

/** The limits of one key; 0 or undefined = none. */
export interface KeyLimits {
  readonly requestsPerMinute: number;
  readonly maxConcurrent: number;
  /** @unit USD */
  readonly dailyUsd?: number | undefined;
  /** @unit USD */
  readonly monthlyUsd?: number | undefined;
}

/** A caller as the usage knows it. */
export interface UsageClient {
  /** Fingerprint of the key (storage and metrics). */
  readonly id: string;
  /** Shown in messages: the configured name, else the fingerprint. */
  readonly name: string;
  readonly limits: KeyLimits;
}

/** One limit in a {@link UsageReport}. */
export interface LimitUsage {
  readonly used: number;
  /** Undefined: no limit. */
  readonly limit: number | undefined;
  /** `limit - used`, at least 0; undefined without a limit. */
  readonly remaining: number | undefined;
  /** When the count starts again (the minute window, midnight UTC, the 1st of the month UTC). @unit epoch milliseconds */
  readonly resetsAt?: number | undefined;
}

/** A key's usage against its limits. */
export interface UsageReport {
  readonly requestsPerMinute: LimitUsage;
  readonly maxConcurrent: LimitUsage;
  /** @unit USD */
  readonly dailyUsd: LimitUsage;
  /** @unit USD */
  readonly monthlyUsd: LimitUsage;
}

/** An admitted run: end it once, with its cost when it answered. */
export interface RunAdmission {
  /** Return the run's lease and charge `costUsd` (0 for a failed or abandoned run). Only the first call counts. */
  end(costUsd?: number): void;
}

/** The stores of a {@link KeyUsage}. */
export interface KeyUsageStores {
  readonly requests: RequestCounter;
  readonly runs: RunLeases;
  readonly spend: CounterStore;
  /** Closes what the stores share (a Redis connection). */
  readonly close?: () => Promise<void>;
}

/** Where {@link KeyUsage.open} keeps the counts. */
export interface KeyUsageLocation {
  /** Shared by replicas: everything in Redis. */
  readonly redisUrl?: string | undefined;
  /** Without Redis: the embedded store's directory for spend; undefined or `:memory:` keeps it in memory. */
  readonly spendPath?: string | undefined;
  /** Hears about the first failure of each store outage (log it; it may name a path or URL). */
  readonly onStoreError?: ((error: unknown, operation: 'read' | 'write') => void) | undefined;
}

/** Hooks of {@link KeyUsage}. */
export interface KeyUsageHooks {
  /** A run's cost could not be recorded (the store failed): it is lost to the budget. */
  readonly onChargeLost?: ((client: UsageClient, costUsd: number, error: unknown) => void) | undefined;
}

/** A counter's key prefix inside the stores (Redis adds its own namespace). */
const NAMESPACE = 'ccw:usage:';

/** Spend counters outlive their window by a day, so a report just after midnight still reads the day before. */
const SPEND_GRACE_MS = 24 * 3600 * 1000;

const MICROS_PER_USD = 1_000_000;

const NOTHING_COUNTED = { count: 0, resetsAt: 0 } as const;

const UNCOUNTED_RUN: RunLease = { release: () => undefined };

/** See the module comment. */
export class KeyUsage {
  readonly #stores: KeyUsageStores;
  readonly #hooks: KeyUsageHooks;
  /** Charges being written, per client: counted by this process until they land. @unit micro-USD */
  readonly #pending = new Map<string, number>();
  readonly #writes = new Set<Promise<void>>();

  constructor(stores: KeyUsageStores, hooks: KeyUsageHooks = {}) {
    this.#stores = stores;
    this.#hooks = hooks;
  }

  /** Open the stores for `location` (nothing connects before the first use). */
  static open(location: KeyUsageLocation = {}, hooks: KeyUsageHooks = {}): KeyUsage {
    const { redisUrl, spendPath, onStoreError } = location;
    if (redisUrl) {
      const connection = new RedisConnection(redisUrl, { purpose: 'rate limit', onOutage: onStoreError });
      const spend = new RedisKeyValueStore(redisUrl, NAMESPACE, {
        purpose: 'rate limit',
        onOutage: onStoreError,
      });
      return new KeyUsage(
        {
          requests: createRequestCounter(connection),
          runs: new RedisRunLeases(connection, { prefix: NAMESPACE }),
          spend,
          close: async () => {
            await Promise.all([spend.close(), connection.close()]);
          },
        },
        hooks,
      );
    }
    const spend =
      spendPath === undefined || spendPath === ':memory:'
        ? new MemoryKeyValueStore(100_000)
        : new FileKeyValueStore(spendPath, { onOutage: onStoreError });
    return new KeyUsage(
      { requests: createRequestCounter(), runs: new MemoryRunLeases(), spend, close: () => spend.close() },
      hooks,
    );
  }

  /**
   * Count a request of `client` against its requests per minute.
   * @throws {@link KeyLimitError} beyond the limit (the request still counts); the store's error.
   */
  async countRequest(client: UsageClient): Promise<void> {
    const limit = client.limits.requestsPerMinute;
    // Without a limit the count only informs `report`: a failing store does not stop the request.
    const counted = this.#stores.requests.add(client.id);
    const { count, resetsAt } = limit > 0 ? await counted : await counted.catch(() => NOTHING_COUNTED);
    if (limit > 0 && count > limit) {
      throw new KeyLimitError(
        'requestsPerMinute',
        `Rate limit of ${limit} requests per minute for key '${client.name}' reached.`,
        Math.max(1, Math.ceil((resetsAt - Date.now()) / 1000)),
      );
    }
  }

  /**
   * Admit a run of `client`: its spend today and this month must be under its budgets, and it
   * takes one of its `maxConcurrent` places. End the admission when the answer is over.
   * @throws {@link KeyLimitError} naming the limit reached; the store's error.
   */
  async admitRun(client: UsageClient): Promise<RunAdmission> {
    await this.#checkSpend(client);
    const { maxConcurrent } = client.limits;
    const acquiring = this.#stores.runs.acquire(client.id, maxConcurrent);
    // As for requests: without a limit, a run the store cannot count still runs (uncounted).
    const lease = maxConcurrent > 0 ? await acquiring : await acquiring.catch(() => UNCOUNTED_RUN);
    if (!isLease(lease)) {
      throw new KeyLimitError(
        'maxConcurrent',
        `Concurrency limit of ${maxConcurrent} run${maxConcurrent === 1 ? '' : 's'} at once for key '${client.name}' reached.`,
        1,
      );
    }
    let ended = false;
    return {
      end: (costUsd = 0) => {
        if (ended) return;
        ended = true;
        lease.release();
        this.charge(client, costUsd);
      },
    };
  }

  /** Add `costUsd` to the spend of `client` today and this month (in the background). */
  charge(client: UsageClient, costUsd: number): void {
    const micros = toMicros(costUsd);
    if (micros <= 0) return;
    this.#pending.set(client.id, (this.#pending.get(client.id) ?? 0) + micros);
    const now = Date.now();
    const write = Promise.all(
      spendWindows(now).map(({ key, window }) =>
        this.#stores.spend.increment(
          spendKey(client, key, window),
          micros,
          window.endsAt - now + SPEND_GRACE_MS,
        ),
      ),
    )
      .then(
        () => undefined,
        (error: unknown) => {
          try {
            this.#hooks.onChargeLost?.(client, costUsd, error);
          } catch {
            // A reporting hook must not break charging.
          }
        },
      )
      .finally(() => {
        const left = (this.#pending.get(client.id) ?? micros) - micros;
        if (left > 0) this.#pending.set(client.id, left);
        else this.#pending.delete(client.id);
        this.#writes.delete(write);
      });
    this.#writes.add(write);
  }

  /** `client`'s usage and what is left of its limits. */
  async report(client: UsageClient): Promise<UsageReport> {
    const { limits } = client;
    const now = Date.now();
    const [requests, running, spent] = await Promise.all([
      this.#stores.requests.peek(client.id),
      this.#stores.runs.count(client.id),
      this.#spent(client, now),
    ]);
    const [day, month] = spendWindows(now);
    return {
      requestsPerMinute: {
        ...usage(requests.count, limits.requestsPerMinute || undefined),
        resetsAt: requests.resetsAt > 0 ? requests.resetsAt : undefined,
      },
      maxConcurrent: usage(running, limits.maxConcurrent || undefined),
      dailyUsd: { ...usage(toUsd(spent.day), limits.dailyUsd), resetsAt: day?.window.endsAt },
      monthlyUsd: { ...usage(toUsd(spent.month), limits.monthlyUsd), resetsAt: month?.window.endsAt },
    };
  }

  /** Wait for the charges being written, then close the stores. */
  async close(): Promise<void> {
    await Promise.all([...this.#writes]);
    await this.#stores.runs.close();
    await this.#stores.close?.();
  }

  async #checkSpend(client: UsageClient): Promise<void> {
    const { dailyUsd, monthlyUsd } = client.limits;
    if (dailyUsd === undefined && monthlyUsd === undefined) return;
    const now = Date.now();
    const spent = await this.#spent(client, now);
    const [day, month] = spendWindows(now);
    // Both reached: the month's is named, since the day's reset would not let a request through.
    if (monthlyUsd !== undefined && month && spent.month >= toMicros(monthlyUsd)) {
      throw budgetError('monthlyUsd', client, monthlyUsd, spent.month, month.window, now);
    }
    if (dailyUsd !== undefined && day && spent.day >= toMicros(dailyUsd)) {
      throw budgetError('dailyUsd', client, dailyUsd, spent.day, day.window, now);
    }
  }

  /** Spend today and this month, this process's unwritten charges included. @unit micro-USD */
  async #spent(client: UsageClient, now: number): Promise<{ day: number; month: number }> {
    const pending = this.#pending.get(client.id) ?? 0;
    const [day = 0, month = 0] = await Promise.all(
      spendWindows(now).map(async ({ key, window }) =>
        counterValue(await this.#stores.spend.get(spendKey(client, key, window))),
      ),
    );
    return { day: day + pending, month: month + pending };
  }
}

function isLease(value: RunLease | { readonly refused: number }): value is RunLease {
  return 'release' in value;
}

function spendWindows(now: number): { key: 'day' | 'month'; window: UsageWindow }[] {
  return [
    { key: 'day', window: usageWindow('day', now) },
    { key: 'month', window: usageWindow('month', now) },
  ];
}

function spendKey(client: UsageClient, kind: 'day' | 'month', window: UsageWindow): string {
  return `${client.id}:usd:${kind}:${window.id}`;
}

function budgetError(
  limit: Extract<KeyLimitName, 'dailyUsd' | 'monthlyUsd'>,
  client: UsageClient,
  budget: number,
  spentMicros: number,
  window: UsageWindow,
  now: number,
): KeyLimitError {
  const daily = limit === 'dailyUsd';
  const period = daily ? `today (${window.id}, UTC)` : `in ${window.id} (UTC)`;
  return new KeyLimitError(
    limit,
    `${daily ? 'Daily' : 'Monthly'} budget of ${formatUsd(budget)} for key '${client.name}' reached: ` +
      `${formatUsd(toUsd(spentMicros))} spent ${period}; it resets at ${new Date(window.endsAt).toISOString()}.`,
    secondsUntil(window.endsAt, now),
  );
}

function usage(used: number, limit: number | undefined): LimitUsage {
  return { used, limit, remaining: limit === undefined ? undefined : Math.max(0, round6(limit - used)) };
}

function toMicros(usd: number): number {
  return Number.isFinite(usd) ? Math.round(usd * MICROS_PER_USD) : 0;
}

function toUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

function round6(value: number): number {
  return Math.round(value * MICROS_PER_USD) / MICROS_PER_USD;
}

/** `$5.00`; amounts that are not whole cents keep up to six decimals (`$0.0012`). */
export function formatUsd(usd: number): string {
  const cents = usd * 100;
  if (Math.abs(cents - Math.round(cents)) < 1e-9) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(6).replace(/0+$/, '')}`;
}
