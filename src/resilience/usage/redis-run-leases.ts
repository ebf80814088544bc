/**
 * @module
 * {@link RunLeases} shared by replicas through Redis: one sorted set per client whose members are
 * leases scored by their expiry. A replica renews its leases while their runs go on, so a replica
 * that dies (SIGKILL, machine lost) stops renewing and its leases lapse within {@link
 * DEFAULT_LEASE_MS}: the key is not left counting runs that no longer exist. Taking a lease
 * (drop the lapsed ones, count, add) is one Lua script, atomic in Redis; time is Redis's own
 * (`TIME`), so the replicas' clocks do not matter.
 *
 * While Redis is down, `acquire` and `count` reject with `ClaudeCodeStoreUnavailableError` (the
 * HTTP layer refuses the request rather than run it unlimited); releasing and renewing are best
 * effort (a lease Redis did not hear about lapses by itself).
 */
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '../../storage/redis-store.js';
import type { RunLease, RunLeases } from './run-leases.js';

/** How long a lease lasts without renewal. @unit milliseconds */
export const DEFAULT_LEASE_MS = 30_000;

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS[1] the client's set; ARGV max (0 = none), lease ms, member. Returns {taken (0|1), held}.
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[1])
if max > 0 and held >= max then return {0, held} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, held + 1}`;

// KEYS[1] the client's set; ARGV lease ms, member. Extends a lease still there.
const RENEW = `${NOW}
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1`;

// KEYS[1] the client's set. Leases not lapsed.
const COUNT = `${NOW}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`;

/** Options of {@link RedisRunLeases}. */
export interface RedisRunLeasesOptions {
  /** Prefix of the sets' keys. @default `ccw:usage:` */
  readonly prefix?: string | undefined;
  /** Lease lifetime without renewal; renewed every third of it. @default {@link DEFAULT_LEASE_MS} */
  readonly leaseMs?: number | undefined;
}

/** See the module comment. */
export class RedisRunLeases implements RunLeases {
  readonly #connection: RedisConnection;
  readonly #prefix: string;
  readonly #leaseMs: number;
  /** This process's leases: member → the client's set key. */
  readonly #mine = new Map<string, string>();
  readonly #replica = randomUUID();
  #next = 0;
  #timer: NodeJS.Timeout | undefined;

  /** @param connection Owned by the caller, who closes it after {@link close}. */
  constructor(connection: RedisConnection, options: RedisRunLeasesOptions = {}) {
    this.#connection = connection;
    this.#prefix = options.prefix ?? 'ccw:usage:';
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async acquire(client: string, max: number): Promise<RunLease | { readonly refused: number }> {
    const key = this.#key(client);
    const member = `${this.#replica}:${(this.#next += 1)}`;
    const [taken, held] = (await this.#connection.run('write', (redis) =>
      redis.eval(ACQUIRE, 1, key, max, this.#leaseMs, member),
    )) as [number, number];
    if (taken !== 1) return { refused: held };
    this.#mine.set(member, key);
    this.#renewing();
    return { release: () => this.#release(member) };
  }

  async count(client: string): Promise<number> {
    const key = this.#key(client);
    return Number(await this.#connection.run('read', (redis) => redis.eval(COUNT, 1, key)));
  }

  async close(): Promise<void> {
    this.#stopRenewing();
    const leases = [...this.#mine];
    this.#mine.clear();
    // Runs still holding leases were stopped by the server's shutdown: give them back now.
    await Promise.all(leases.map(([member, key]) => this.#remove(key, member)));
  }

  #key(client: string): string {
    return `${this.#prefix}${client}:runs`;
  }

  #release(member: string): void {
    const key = this.#mine.get(member);
    if (key === undefined) return;
    this.#mine.delete(member);
    if (this.#mine.size === 0) this.#stopRenewing();
    void this.#remove(key, member);
  }

  async #remove(key: string, member: string): Promise<void> {
    try {
      await this.#connection.run('write', (redis) => redis.zrem(key, member));
    } catch {
      // The lease lapses by itself.
    }
  }

  #renewing(): void {
    if (this.#timer) return;
    this.#timer = setInterval(
      () => {
        for (const [member, key] of this.#mine) {
          this.#connection
            .run('write', (redis) => redis.eval(RENEW, 1, key, this.#leaseMs, member))
            .catch(() => undefined);
        }
      },
      Math.max(1, Math.floor(this.#leaseMs / 3)),
    );
    // Never what keeps a process alive.
    this.#timer.unref();
  }

  #stopRenewing(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
