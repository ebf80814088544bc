/**
 * @module
 * The resilience stack around each CLI run, composed from cockatiel policies:
 * bulkhead (concurrency + bounded queue) → retry (backoff, hints) → circuit breaker → rate limit → run.
 * Retry sits outside the breaker, so every attempt counts towards opening it and an open breaker
 * stops the retries at once.
 */
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  isBulkheadRejectedError,
  isTaskCancelledError,
  retry,
  CircuitState,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import {
  ClaudeCodeAbortError,
  ClaudeCodeCircuitOpenError,
  ClaudeCodeError,
  ClaudeCodeQueueFullError,
  ClaudeCodeStoreUnavailableError,
  ClaudeCodeTimeoutError,
} from '../core/errors/index.js';
import { createBackoff, type BackoffSettings } from './backoff.js';
import { QueuedBulkhead } from './queued-execute.js';
import { createRateLimiter, type CallRateLimiter } from './rate-limiter.js';

/** Settings of the stack (from the wrapper configuration, defaults applied). */
export interface ResilienceSettings extends BackoffSettings {
  readonly maxRetries: number;
  readonly retryOnTimeout: boolean;
  readonly circuitBreaker?: { readonly threshold: number; readonly halfOpenAfterMs: number } | undefined;
  /** 0 = unlimited. */
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  /** 0 = off. */
  readonly requestsPerMinute: number;
  readonly redisUrl?: string | undefined;
}

/** Breaker state as callers see it. */
export type BreakerState = 'disabled' | 'closed' | 'open' | 'half-open';

/** Observers for logs and metrics. */
export interface ResilienceHooks {
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
  onBreakerStateChange?(state: BreakerState): void;
  /** The rate limit's shared store (Redis) became unreachable: once per outage. */
  onRateLimitStoreOutage?(error: ClaudeCodeStoreUnavailableError): void;
}

/** Per-call switches. */
export interface ExecuteOptions {
  readonly signal?: AbortSignal | undefined;
  /** Checked before each retry: false once output of the run reached the caller. */
  readonly retryAllowed?: () => boolean;
}

/** The composed policy. One per wrapper: the breaker and the bulkhead are shared by its calls. */
export class ResiliencePolicy {
  readonly #settings: ResilienceSettings;
  readonly #hooks: ResilienceHooks;
  readonly #bulkhead: QueuedBulkhead | undefined;
  readonly #breaker: CircuitBreakerPolicy | undefined;
  readonly #limiter: CallRateLimiter | undefined;
  #openedAt = 0;

  constructor(settings: ResilienceSettings, hooks: ResilienceHooks = {}) {
    this.#settings = settings;
    this.#hooks = hooks;
    this.#bulkhead =
      settings.maxConcurrent > 0
        ? new QueuedBulkhead(bulkhead(settings.maxConcurrent, settings.maxQueue))
        : undefined;
    if (settings.circuitBreaker) {
      this.#breaker = circuitBreaker(handleWhen(isTransientFailure), {
        halfOpenAfter: settings.circuitBreaker.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(settings.circuitBreaker.threshold),
      });
      this.#breaker.onBreak(() => {
        this.#openedAt = Date.now();
      });
      this.#breaker.onStateChange(() => hooks.onBreakerStateChange?.(this.breakerState));
    }
    this.#limiter =
      settings.requestsPerMinute > 0
        ? createRateLimiter(settings.requestsPerMinute, settings.redisUrl, {
            onStoreOutage: (error) => hooks.onRateLimitStoreOutage?.(error),
          })
        : undefined;
  }

  /** Current breaker state. */
  get breakerState(): BreakerState {
    if (!this.#breaker) return 'disabled';
    switch (this.#breaker.state) {
      case CircuitState.Open:
      case CircuitState.Isolated:
        return 'open';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'closed';
    }
  }

  /** Calls running now (0 when unlimited and not tracked). */
  get active(): number {
    return this.#bulkhead ? this.#settings.maxConcurrent - this.#bulkhead.executionSlots : 0;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#bulkhead?.waiting ?? 0;
  }

  /**
   * Run `attempt` under the stack. `attempt` receives the 0-based attempt number.
   * @throws the last attempt's error; {@link ClaudeCodeCircuitOpenError}; {@link ClaudeCodeQueueFullError};
   * {@link ClaudeCodeAbortError} when aborted while queued or waiting.
   */
  async execute<T>(attempt: (attemptNumber: number) => Promise<T>, options: ExecuteOptions = {}): Promise<T> {
    const { signal } = options;
    const retryAllowed = options.retryAllowed ?? (() => true);
    const policy = retry(
      handleWhen((error) => retryAllowed() && this.#isRetryable(error)),
      { maxAttempts: this.#settings.maxRetries, backoff: createBackoff(this.#settings) },
    );
    policy.onRetry((event) =>
      this.#hooks.onRetry?.({
        attempt: event.attempt,
        delayMs: event.delay,
        error: 'error' in event ? event.error : undefined,
      }),
    );
    const once = async (attemptNumber: number): Promise<T> => {
      await this.#limiter?.acquire(signal);
      return attempt(attemptNumber);
    };
    const guarded = (attemptNumber: number): Promise<T> =>
      this.#breaker ? this.#breaker.execute(() => once(attemptNumber), signal) : once(attemptNumber);
    const retried = (): Promise<T> => policy.execute(({ attempt: n }) => guarded(n), signal);
    try {
      return await (this.#bulkhead ? this.#bulkhead.execute(retried, signal) : retried());
    } catch (error) {
      throw this.#translate(error, signal);
    }
  }

  /** Release the rate limiter's Redis connection, if any. */
  async close(): Promise<void> {
    await this.#limiter?.close();
  }

  #isRetryable(error: unknown): boolean {
    if (!ClaudeCodeError.isInstance(error) || !error.isRetryable) return false;
    if (error instanceof ClaudeCodeTimeoutError) return this.#settings.retryOnTimeout;
    // An open breaker means "stop hammering"; retrying would only spin on it. A rate-limit store that
    // is down fails every attempt the same way: the caller hears at once.
    return (
      !(error instanceof ClaudeCodeCircuitOpenError) && !(error instanceof ClaudeCodeStoreUnavailableError)
    );
  }

  #translate(error: unknown, signal: AbortSignal | undefined): unknown {
    if (error instanceof BrokenCircuitError) {
      const halfOpenAfter = this.#settings.circuitBreaker?.halfOpenAfterMs ?? 0;
      return new ClaudeCodeCircuitOpenError(Math.max(0, this.#openedAt + halfOpenAfter - Date.now()), {
        cause: error,
      });
    }
    if (isBulkheadRejectedError(error))
      return new ClaudeCodeQueueFullError(this.#settings.maxConcurrent, this.#settings.maxQueue);
    if (isTaskCancelledError(error)) return new ClaudeCodeAbortError(signal?.reason);
    return error;
  }
}

/** Failures that say the backend is unwell (and so count towards opening the breaker). */
function isTransientFailure(error: unknown): boolean {
  return (
    ClaudeCodeError.isInstance(error) &&
    error.isRetryable &&
    !(error instanceof ClaudeCodeCircuitOpenError) &&
    // Redis being down says nothing about Claude: it must not open the breaker.
    !(error instanceof ClaudeCodeStoreUnavailableError)
  );
}
