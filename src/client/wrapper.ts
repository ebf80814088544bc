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
import type { ClaudeRun } from './claude-run.js';
import { resolveRunOptions, validateSessionId, type ResumeOptions, type RunOptions } from './run-options.js';
import { ClaudeSession, type ClaudeSessionOptions } from './session.js';
import { startOneShot } from './start-one-shot.js';

/** Constructor options beyond the configuration itself. */
export interface WrapperDependencies {
  /** Use this pino logger instead of creating one. */
  readonly logger?: WrapperLogger;
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
  readonly #logger: WrapperLogger;
  readonly #metrics: RunMetricsRecorder | undefined;

  /**
   * @param config Any {@link ClaudeCodeConfig} fields; validated now.
   * @throws {@link ClaudeCodeValidationError} naming the bad field and value.
   */
  constructor(config: Partial<ClaudeCodeConfig> = {}, dependencies: WrapperDependencies = {}) {
    this.#config = parseOrThrow(configSchema, config, 'config');
    const {
      logLevel,
      maxRetries: _maxRetries,
      retryDelayMs: _retryDelayMs,
      retryBackoffFactor: _retryBackoffFactor,
      maxRetryDelayMs: _maxRetryDelayMs,
      enableMetrics,
      metricsWindow,
      ...runDefaults
    } = this.#config;
    this.#runDefaults = runDefaults;
    this.#logger = dependencies.logger ?? createLogger(logLevel ?? 'warn');
    this.#metrics = enableMetrics === false ? undefined : new RunMetricsRecorder(metricsWindow);
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
   * `fork: true` the conversation branches into a new session id (`--fork-session`).
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
      services: { logger: this.#logger, metrics: this.#metrics },
    });
  }

  /** Counters, cost, tokens and latency percentiles since this wrapper was created. */
  getMetrics(): WrapperMetrics {
    return (this.#metrics ?? new RunMetricsRecorder()).snapshot();
  }

  #start(
    prompt: Prompt,
    callOptions: (RunOptions & { fork?: boolean }) | undefined,
    target: SessionTarget,
    kind: string,
    defaults: Partial<ClaudeRunConfig> = {},
  ): ClaudeRun {
    const validPrompt = validatePrompt(prompt);
    const { fork: _fork, ...call } = callOptions ?? {};
    const resolved = resolveRunOptions(this.#runDefaults, call, defaults);
    const fullTarget: SessionTarget =
      resolved.sessionId === undefined ? target : { ...target, sessionId: resolved.sessionId };
    return startOneShot({
      prompt: validPrompt,
      options: resolved.options,
      target: fullTarget,
      signal: resolved.signal,
      kind,
      services: { logger: this.#logger, metrics: this.#metrics },
    });
  }
}
