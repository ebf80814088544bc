/**
 * @module
 * The server's per-key limits at the HTTP edge: which keys are accepted and by what name, each
 * caller's limits (its `server.keys` entry, else the server's `requestsPerMinute`), and the
 * {@link KeyUsage} that counts them. Refusals become {@link HttpProblem}s: 429 `rate_limit_error`
 * with `retry-after` (and `x-should-retry: false` for a spent budget, which no retry within
 * seconds can help); each wire API's error mapper gives them its shape.
 *
 * Storage: `redisUrl` shares everything between replicas; without it, the spend of named keys
 * goes to the embedded store (`usageStorePath`), and the rest is counted in memory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClaudeCodeConfigurationError, ClaudeCodeStoreUnavailableError } from '../core/errors/index.js';
import type { WrapperLogger } from '../observability/logger.js';
import { KeyLimitError } from '../resilience/usage/key-limit-error.js';
import {
  formatUsd,
  KeyUsage,
  type KeyLimits,
  type RunAdmission,
  type UsageClient,
  type UsageReport,
} from '../resilience/usage/key-usage.js';
import { HttpProblem } from './http-problem.js';
import type { AcceptedKey, AuthVariables } from './middleware/auth.js';
import type { ServerOptions } from './server-options.js';

/** Default directory of the embedded usage store. */
export const DEFAULT_USAGE_STORE_PATH = join(homedir(), '.claude-code-wrapper', 'usage');

/** Said when the usage store fails (the log has the path or URL). */
export const USAGE_STORE_UNAVAILABLE_MESSAGE =
  "The server's per-key usage store is unavailable, so the request was not run; retry shortly.";

/** A request context after the auth middleware (any hono environment that has its variables). */
export interface KeyContext {
  get(key: 'clientId'): AuthVariables['clientId'];
  get(key: 'keyName'): AuthVariables['keyName'];
}

/** See the module comment. */
export class KeyQuotas {
  /** Every accepted key (`apiKeys`, then `keys` with their names), for the auth middleware. */
  readonly accepted: readonly AcceptedKey[];
  readonly #usage: KeyUsage;
  readonly #byName: ReadonlyMap<string, KeyLimits>;
  readonly #defaults: KeyLimits;

  /** @param usage Injected by tests; by default opened from the options. */
  constructor(options: ServerOptions, logger: WrapperLogger, usage?: KeyUsage) {
    this.accepted = [
      ...options.apiKeys.map((key) => ({ key })),
      ...options.keys.map(({ key, name }) => ({ key, name })),
    ];
    this.#defaults = { requestsPerMinute: options.requestsPerMinute, maxConcurrent: 0 };
    this.#byName = keyLimitsByName(options);
    this.#usage =
      usage ??
      KeyUsage.open(
        {
          redisUrl: options.redisUrl,
          // Spend of named keys survives restarts; a server without them counts in memory.
          spendPath:
            options.keys.length > 0 ? (options.usageStorePath ?? DEFAULT_USAGE_STORE_PATH) : ':memory:',
          onStoreError: (error, operation) =>
            logger.warn(
              { event: `usage_store_${operation}_failed`, message: (error as Error).message },
              'per-key usage store failed; requests with limits are refused until it recovers',
            ),
        },
        {
          onChargeLost: (client, costUsd, error) =>
            logger.warn(
              { event: 'usage_charge_lost', key: client.name, costUsd, message: (error as Error).message },
              `could not record ${formatUsd(costUsd)} spent by key '${client.name}'`,
            ),
        },
      );
  }

  /** The caller of `c` (after the auth middleware) as the usage knows it. */
  clientOf(c: KeyContext): UsageClient {
    const id = c.get('clientId');
    const name = c.get('keyName');
    const limits = (name === undefined ? undefined : this.#byName.get(name)) ?? this.#defaults;
    return { id, name: name ?? id, limits };
  }

  /**
   * Count a request of the caller against its requests per minute.
   * @throws {@link HttpProblem} 429 beyond it, 529 when the store fails.
   */
  async countRequest(c: KeyContext): Promise<void> {
    await refusing(this.#usage.countRequest(this.clientOf(c)));
  }

  /**
   * Admit a run of the caller (budgets, runs at once); end the admission with the run's cost.
   * @throws {@link HttpProblem} 429 when a limit is reached, 529 when the store fails.
   */
  admitRun(c: KeyContext): Promise<RunAdmission> {
    return refusing(this.#usage.admitRun(this.clientOf(c)));
  }

  /**
   * The caller's usage and limits.
   * @throws {@link HttpProblem} 529 when the store fails.
   */
  report(c: KeyContext): Promise<{ client: UsageClient; report: UsageReport }> {
    const client = this.clientOf(c);
    return refusing(this.#usage.report(client).then((report) => ({ client, report })));
  }

  /** Let charges being written land, then close the stores. */
  close(): Promise<void> {
    return this.#usage.close();
  }
}

/** The limits of each `server.keys` entry, by name (a limit it leaves out is the server's). */
export function keyLimitsByName(options: ServerOptions): ReadonlyMap<string, KeyLimits> {
  return new Map(
    options.keys.map((entry) => [
      entry.name,
      {
        requestsPerMinute: entry.requestsPerMinute ?? options.requestsPerMinute,
        maxConcurrent: entry.maxConcurrent,
        dailyUsd: entry.dailyUsd,
        monthlyUsd: entry.monthlyUsd,
      },
    ]),
  );
}

/** `operation`, with a refusal or a store failure as the {@link HttpProblem} that answers it. */
async function refusing<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (KeyLimitError.isInstance(error)) {
      throw new HttpProblem(429, 'rate_limit_error', error.message, {
        'retry-after': String(error.retryAfterSeconds),
        ...(error.exhausted ? { 'x-should-retry': 'false' } : {}),
      });
    }
    // The embedded store's errors name its path, Redis's its URL: logged by the store's hook.
    if (error instanceof ClaudeCodeStoreUnavailableError || error instanceof ClaudeCodeConfigurationError) {
      throw new HttpProblem(529, 'overloaded_error', USAGE_STORE_UNAVAILABLE_MESSAGE, { 'retry-after': '2' });
    }
    throw error;
  }
}
