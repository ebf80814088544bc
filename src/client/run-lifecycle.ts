/**
 * @module
 * What happens around every run, streaming or not, one-shot or session: metrics, the one log line,
 * the trace span, and `throwOnError`.
 */
import type { Span } from '@opentelemetry/api';
import { ClaudeCodeError, ClaudeCodeRunError } from '../core/errors/index.js';
import { promptToText, type Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { WrapperLogger } from '../observability/logger.js';
import type { RunMetricsRecorder } from '../observability/run-metrics.js';
import { endRunSpan, startRunSpan } from '../observability/tracing.js';
import type { WrapperPrometheus } from '../observability/wrapper-prometheus.js';

/** Shared services a run reports to. */
export interface RunServices {
  readonly logger: WrapperLogger;
  readonly metrics: RunMetricsRecorder | undefined;
  readonly prometheus?: WrapperPrometheus | undefined;
}

/** Tracks one run from start to outcome. */
export class RunLifecycle {
  readonly startedAt = performance.now();
  readonly #services: RunServices;
  readonly #kind: string;
  readonly #span: Span | undefined;

  constructor(services: RunServices, kind: string, prompt: Prompt, model?: string) {
    this.#services = services;
    this.#kind = kind;
    this.#span = startRunSpan(kind, { model });
    services.metrics?.started();
    // Prompts are user data: only at debug level.
    services.logger.debug({ event: 'run_start', kind, prompt: promptToText(prompt) }, 'claude run started');
  }

  /**
   * Record a response; returns it, or throws {@link ClaudeCodeRunError} if it failed and
   * `throwOnError` is set.
   */
  complete(response: ClaudeCodeResponse, throwOnError: boolean | undefined): ClaudeCodeResponse {
    this.#services.metrics?.completed(response);
    this.#services.prometheus?.completed(response, this.#seconds());
    endRunSpan(this.#span, { response });
    const m = response.metrics;
    this.#services.logger.info(
      {
        event: 'run',
        kind: this.#kind,
        outcome: response.isError ? 'error' : 'success',
        errorType: response.errorType,
        durationMs: response.executionTimeMs,
        costUsd: m.costUsd,
        inputTokens: m.inputTokens,
        outputTokens: m.outputTokens,
        numTurns: m.numTurns,
        sessionId: response.sessionId,
        model: response.model,
        retries: response.retries ?? 0,
        cached: response.cached === true,
      },
      'claude run finished',
    );
    this.#services.logger.debug({
      event: 'run_output',
      sessionId: response.sessionId,
      content: response.content,
    });
    if (response.isError && throwOnError) throw new ClaudeCodeRunError(response);
    return response;
  }

  /** Record a thrown failure and return it for rethrowing. */
  fail(error: unknown, retries = 0): unknown {
    const durationMs = Math.round(performance.now() - this.startedAt);
    const code = ClaudeCodeError.isInstance(error) ? error.code : 'UNKNOWN';
    this.#services.metrics?.failed(code, durationMs);
    this.#services.prometheus?.failed(this.#seconds());
    endRunSpan(this.#span, { error });
    this.#services.logger.info(
      {
        event: 'run',
        kind: this.#kind,
        outcome: 'exception',
        code,
        durationMs,
        retries,
        message: (error as Error)?.message,
      },
      'claude run failed',
    );
    return error;
  }

  #seconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }
}
