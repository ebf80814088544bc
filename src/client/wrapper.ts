/**
 * @module
 * `ClaudeCodeWrapper`: the public entry point of the library.
 */
import { configSchema, type ClaudeCodeConfig, type ClaudeRunConfig } from '../core/config/schema.js';
import { parseOrThrow } from '../core/config/validate.js';
import { validatePrompt, type Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import { createLogger, type WrapperLogger } from '../observability/logger.js';
import { RunMetricsRecorder, type WrapperMetrics } from '../observability/run-metrics.js';
import type { SessionTarget } from '../process/build-args.js';
import { resolveLaunchSpec } from '../process/launch.js';
import type { Registry } from 'prom-client';
import { ResponseCache } from '../cache/response-cache.js';
import { WrapperPrometheus } from '../observability/wrapper-prometheus.js';
import { ResiliencePolicy, type BreakerState } from '../resilience/resilience-policy.js';
import type { ProcessDonor } from '../process/process-donor.js';
import { WarmPool, type WarmPoolStats } from '../process/warm-pool.js';
import type { ClaudeRun } from './claude-run.js';
import { healthCheck, healthCheckOptionsFor, type HealthReport } from './health-check.js';
import { startRun, type OrchestratorServices } from './run-orchestrator.js';
import { resolveRunOptions, validateSessionId, type ResumeOptions, type RunOptions } from './run-options.js';
import { ClaudeSession, type ClaudeSessionOptions } from './session.js';

/** Constructor options beyond the configuration itself. */
export interface WrapperDependencies {
  /** Use this pino logger instead of creating one. */
  readonly logger?: WrapperLogger;
  /** Randomness for retry jitter (tests). @default Math.random */
  readonly random?: () => number;
}

/**
 * Runs prompts through the official Claude Code CLI.
 *
 * @example
 * ```ts
 * const claude = new ClaudeCodeWrapper({ model: 'sonnet', timeoutMs: 60_000 });
 * const { content, metrics, sessionId } = await claude.run('Summarise README.md');
 * const next = await claude.resumeSession(sessionId, 'Now shorter');
 * ```
 */
export class ClaudeCodeWrapper {
  readonly #config: ClaudeCodeConfig;
  readonly #runDefaults: ClaudeRunConfig;
  readonly #metrics: RunMetricsRecorder | undefined;
  readonly #policy: ResiliencePolicy;
  readonly #cache: ResponseCache | undefined;
  readonly #prometheus: WrapperPrometheus;
  readonly #services: OrchestratorServices;
  readonly #pool: WarmPool | undefined;

  /**
   * @param config Any {@link ClaudeCodeConfig} fields; validated now.
   * @throws {@link ClaudeCodeValidationError} naming the bad field and value.
   */
  constructor(config: Partial<ClaudeCodeConfig> = {}, dependencies: WrapperDependencies = {}) {
    this.#config = parseOrThrow(configSchema, config, 'config');
    const {
      logLevel,
      maxRetries,
      retryDelayMs,
      retryBackoffFactor,
      maxRetryDelayMs,
      retryOnTimeout,
      circuitBreaker,
      maxConcurrent,
      maxQueue,
      requestsPerMinute,
      redisUrl,
      cache,
      warmPool,
      enableMetrics,
      metricsWindow,
      ...runDefaults
    } = this.#config;
    this.#runDefaults = runDefaults;
    const logger = dependencies.logger ?? createLogger(logLevel ?? 'warn');
    this.#metrics = enableMetrics === false ? undefined : new RunMetricsRecorder(metricsWindow);
    this.#policy = new ResiliencePolicy(
      {
        maxRetries: maxRetries ?? 0,
        retryDelayMs: retryDelayMs ?? 500,
        retryBackoffFactor: retryBackoffFactor ?? 2,
        maxRetryDelayMs: maxRetryDelayMs ?? 8000,
        retryOnTimeout: retryOnTimeout ?? false,
        circuitBreaker,
        maxConcurrent: maxConcurrent ?? 0,
        maxQueue: maxQueue ?? 100,
        requestsPerMinute: requestsPerMinute ?? 0,
        redisUrl,
        ...(dependencies.random ? { random: dependencies.random } : {}),
      },
      {
        onRetry: ({ attempt, delayMs, error }) => {
          this.#prometheus.retried();
          logger.warn(
            {
              event: 'retry',
              attempt,
              delayMs,
              code: (error as { code?: string } | undefined)?.code,
              message: (error as Error | undefined)?.message,
            },
            'retrying claude run',
          );
        },
        onBreakerStateChange: (state) => logger.warn({ event: 'circuit', state }, `circuit breaker ${state}`),
        // Runs fail with the error meanwhile; the log says it once per outage.
        onRateLimitStoreOutage: (error) =>
          logger.warn(
            { event: 'rate_limit_store_unavailable', code: error.code, message: error.message },
            'the shared rate limit store is unavailable; runs fail until it is back',
          ),
      },
    );
    // A cache that is down never fails a run: it misses, and the log says why once per outage.
    this.#cache = cache
      ? ResponseCache.open(cache, redisUrl, {
          onError: (error, operation) =>
            logger.warn(
              {
                event: `cache_store_${operation}_failed`,
                code: (error as { code?: unknown } | undefined)?.code,
                message: (error as Error | undefined)?.message,
              },
              'the response cache store is unavailable; runs go on uncached until it is back',
            ),
        })
      : undefined;
    this.#pool = warmPool
      ? new WarmPool(
          {
            size: warmPool.size,
            minIdle: Math.min(warmPool.minIdle ?? 1, warmPool.size),
            maxIdleMs: warmPool.maxIdleMs ?? 300_000,
            maxUses: warmPool.maxUses ?? 1,
            reuse: warmPool.reuse ?? 'clear',
            maxConfigs: warmPool.maxConfigs ?? 4,
            // One per run that can be in flight, plus one spare starting for the next.
            maxProcesses:
              warmPool.maxProcesses ?? (maxConcurrent ? maxConcurrent + 1 : Number.POSITIVE_INFINITY),
            demandWindowMs: warmPool.demandWindowMs ?? 60_000,
          },
          logger,
        )
      : undefined;
    this.#prometheus = new WrapperPrometheus({
      inFlight: () => this.#metrics?.snapshot().inFlight ?? 0,
      queued: () => this.#policy.queued,
      breaker: () => this.#policy.breakerState,
      pool: () => this.#pool?.stats(),
    });
    this.#services = {
      logger,
      metrics: this.#metrics,
      prometheus: this.#prometheus,
      policy: this.#policy,
      cache: this.#cache,
      retriesEnabled: (maxRetries ?? 0) > 0,
      pool: this.#pool,
    };
  }

  /** prom-client registry with this wrapper's metrics, to expose or merge into your own. */
  get metricsRegistry(): Registry {
    return this.#prometheus.registry;
  }

  /** Circuit breaker state (`disabled` unless `circuitBreaker` is configured). */
  get breakerState(): BreakerState {
    return this.#policy.breakerState;
  }

  /**
   * Check the installation: binary and version, credentials, breaker state. Makes a paid call only
   * with `deep: true`.
   */
  async healthCheck(options: { deep?: boolean } = {}): Promise<HealthReport & { breaker: BreakerState }> {
    const report = await healthCheck({
      ...healthCheckOptionsFor(this.#config),
      deep: options.deep === true,
      wrapper: this,
      deepModel: this.#config.model,
    });
    return { ...report, breaker: this.#policy.breakerState };
  }

  /**
   * Start warm processes for this option set now, so even the first request skips start-up.
   * No-op without `warmPool`. Resolves when they are ready.
   */
  async prewarm(options: RunOptions = {}): Promise<void> {
    if (!this.#pool) return;
    const resolved = resolveRunOptions(this.#runDefaults, options, {});
    // run() and runStreaming() share the pool's processes (see WarmPool.launchSpec).
    await this.#pool.warm(this.#pool.launchSpec(resolved.options));
  }

  /**
   * Do now, once, what the first run of `prompt` with `options` would do before its CLI starts,
   * and what is slow only the first time: compiling the validators and resolving the launch spec.
   * Nothing is started. A server calls it at start-up, so that its first request's CLI starts
   * ~10 ms sooner.
   * @throws what that run would throw before starting (invalid input, no CLI found).
   */
  prepare(prompt: Prompt, options: RunOptions = {}): void {
    validatePrompt(prompt);
    const resolved = resolveRunOptions(this.#runDefaults, options, { includePartialMessages: true });
    if (this.#pool) this.#pool.launchSpec(resolved.options);
    else resolveLaunchSpec(resolved.options);
  }

  /**
   * Let requests that find no ready pooled process take one from `donor` instead of waiting for a
   * start-up (the proxy lends the processes it keeps for conversations, see `ProcessDonor`);
   * undefined stops that. No-op without `warmPool`.
   */
  setProcessDonor(donor: ProcessDonor | undefined): void {
    this.#pool?.setDonor(donor);
  }

  /** Warm pool state (undefined without `warmPool`). */
  getPoolStats(): WarmPoolStats | undefined {
    return this.#pool?.stats();
  }

  /** Kill pooled processes and release the cache store and Redis connections. */
  async close(): Promise<void> {
    await Promise.all([this.#cache?.close(), this.#policy.close(), this.#pool?.close()]);
  }

  /** The validated configuration (a copy). */
  get config(): ClaudeCodeConfig {
    return { ...this.#config };
  }

  /**
   * Run one prompt in a fresh CLI process and resolve with the response.
   * A run the CLI reports as failed resolves with `isError: true` unless `throwOnError` is set.
   * @throws {@link ClaudeCodeValidationError}, {@link ClaudeCodeConfigurationError}, {@link ClaudeCodeTimeoutError},
   * {@link ClaudeCodeAbortError}, {@link ClaudeCodeProcessError}, {@link ClaudeCodeRunError} (with `throwOnError`).
   */
  async run(prompt: Prompt, options?: RunOptions): Promise<ClaudeCodeResponse> {
    return this.#start(prompt, options, {}, 'run').result;
  }

  /**
   * Run one prompt and stream its events. Token-level `text_delta` events are on by default here.
   * Throws synchronously for invalid input; everything else arrives through the run.
   */
  runStreaming(prompt: Prompt, options?: RunOptions): ClaudeRun {
    return this.#start(prompt, options, {}, 'stream', { includePartialMessages: true });
  }

  /**
   * Continue an earlier session (`--resume`) with a new prompt, in a new process. With
   * `fork: true` the conversation branches into a new session id (`--fork-session`); with
   * `resumeAt` (a message uuid from an earlier response) it resumes only up to that message.
   * Sessions are stored per HOME and working directory: use the same `workingDirectory`.
   * @throws {@link ClaudeCodeSessionNotFoundError} when the CLI does not know the id.
   */
  async resumeSession(
    sessionId: string,
    prompt: Prompt,
    options?: ResumeOptions,
  ): Promise<ClaudeCodeResponse> {
    const resume = validateSessionId('sessionId', sessionId);
    return this.#start(prompt, options, { resume, fork: options?.fork ?? false }, 'resume').result;
  }

  /** Streaming variant of {@link resumeSession}. */
  resumeSessionStreaming(sessionId: string, prompt: Prompt, options?: ResumeOptions): ClaudeRun {
    const resume = validateSessionId('sessionId', sessionId);
    return this.#start(prompt, options, { resume, fork: options?.fork ?? false }, 'resume', {
      includePartialMessages: true,
    });
  }

  /** Continue the most recent session in the working directory (`--continue`). */
  async continueLastSession(prompt: Prompt, options?: RunOptions): Promise<ClaudeCodeResponse> {
    return this.#start(prompt, options, { continueLast: true }, 'continue').result;
  }

  /** Streaming variant of {@link continueLastSession}. */
  continueLastSessionStreaming(prompt: Prompt, options?: RunOptions): ClaudeRun {
    return this.#start(prompt, options, { continueLast: true }, 'continue', { includePartialMessages: true });
  }

  /**
   * Open a multi-turn session that keeps one CLI process alive between turns.
   * Close it with `close()` or `await using`.
   */
  session(options: ClaudeSessionOptions = {}): ClaudeSession {
    const { resume, fork, maxSessionTurns, ...callOptions } = options;
    const resolved = resolveRunOptions(this.#runDefaults, callOptions, {});
    return new ClaudeSession({
      options: resolved.options,
      target: {
        ...(resume === undefined ? {} : { resume: validateSessionId('resume', resume), fork: fork ?? false }),
        ...(resolved.sessionId === undefined ? {} : { sessionId: resolved.sessionId }),
      },
      maxSessionTurns,
      services: this.#services,
    });
  }

  /** Counters, cost, tokens and latency percentiles since this wrapper was created. */
  getMetrics(): WrapperMetrics {
    return (this.#metrics ?? new RunMetricsRecorder()).snapshot();
  }

  #start(
    prompt: Prompt,
    callOptions: (RunOptions & { fork?: boolean; resumeAt?: string }) | undefined,
    target: SessionTarget,
    kind: string,
    defaults: Partial<ClaudeRunConfig> = {},
  ): ClaudeRun {
    const validPrompt = validatePrompt(prompt);
    const { fork: _fork, ...call } = callOptions ?? {};
    const resolved = resolveRunOptions(this.#runDefaults, call, defaults);
    let fullTarget: SessionTarget =
      resolved.sessionId === undefined ? target : { ...target, sessionId: resolved.sessionId };
    if (resolved.resumeAt !== undefined && target.resume !== undefined) {
      fullTarget = { ...fullTarget, resumeAt: resolved.resumeAt };
    }
    return startRun(
      { prompt: validPrompt, options: resolved.options, target: fullTarget, signal: resolved.signal, kind },
      this.#services,
    );
  }
}
