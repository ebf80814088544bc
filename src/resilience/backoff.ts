/**
 * @module
 * Retry delays: exponential with jitter, capped, and a server hint first. Follows the Anthropic SDK:
 * start at `retryDelayMs`, multiply by `retryBackoffFactor`, cap at `maxRetryDelayMs`, take off up to
 * 25 % at random so that many clients do not retry in lockstep.
 */
import { DelegateBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';

/** Backoff settings. */
export interface BackoffSettings {
  readonly retryDelayMs: number;
  readonly retryBackoffFactor: number;
  readonly maxRetryDelayMs: number;
  /** Source of randomness in [0, 1); injectable for deterministic tests. @default Math.random */
  readonly random?: () => number;
}

/** The delay before retry number `attempt` (1-based), ignoring hints. */
export function computeBackoffDelay(attempt: number, settings: BackoffSettings): number {
  const base = Math.min(
    settings.maxRetryDelayMs,
    settings.retryDelayMs * settings.retryBackoffFactor ** (attempt - 1),
  );
  const jitter = 1 - 0.25 * (settings.random ?? Math.random)();
  return Math.round(base * jitter);
}

/** A server-provided delay carried by the error (`retryAfterMs`), if any. */
export function retryHint(reason: unknown): number | undefined {
  if (typeof reason !== 'object' || reason === null) return undefined;
  const hint = (reason as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof hint === 'number' && hint > 0 ? hint : undefined;
}

/** cockatiel backoff factory implementing the policy above; a hint is capped at 60 s. */
export function createBackoff(settings: BackoffSettings): IBackoffFactory<IRetryBackoffContext<unknown>> {
  return new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const reason = 'error' in context.result ? context.result.error : undefined;
    const hint = retryHint(reason);
    return hint !== undefined ? Math.min(hint, 60_000) : computeBackoffDelay(context.attempt, settings);
  });
}
