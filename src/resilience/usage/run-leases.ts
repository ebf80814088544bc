/**
 * @module
 * Runs in progress per API key, for its `maxConcurrent` limit: a lease per admitted request,
 * returned when its answer ends. {@link MemoryRunLeases} for one server; `RedisRunLeases` when
 * replicas share the count.
 */

/** A taken lease; give it back once with `release`. */
export interface RunLease {
  release(): void;
}

/** Counted leases per client. */
export interface RunLeases {
  /**
   * Take a lease for `client` unless it holds `max` already (0 = no limit). Resolves with the
   * lease, or with how many it holds when refused.
   */
  acquire(client: string, max: number): Promise<RunLease | { readonly refused: number }>;
  /** Leases `client` holds now. */
  count(client: string): Promise<number>;
  close(): Promise<void>;
}

/** {@link RunLeases} of this process. */
export class MemoryRunLeases implements RunLeases {
  readonly #held = new Map<string, number>();

  async acquire(client: string, max: number): Promise<RunLease | { readonly refused: number }> {
    const held = this.#held.get(client) ?? 0;
    if (max > 0 && held >= max) return { refused: held };
    this.#held.set(client, held + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#held.get(client) ?? 1) - 1;
        if (left > 0) this.#held.set(client, left);
        else this.#held.delete(client);
      },
    };
  }

  async count(client: string): Promise<number> {
    return this.#held.get(client) ?? 0;
  }

  async close(): Promise<void> {
    this.#held.clear();
  }
}
