/**
 * @module
 * A one-shot run end to end: response cache, then the resilience stack (concurrency, retries,
 * breaker, rate limit) around attempts, with events streamed to the caller through an
 * {@link EventGate} so that retries stay invisible until output starts.
 */
import { ResponseCache } from '../cache/response-cache.js';
import { RunAccumulator } from '../core/accumulator.js';
import { isRetryableErrorType } from '../core/classify-result.js';
import { ClaudeCodeRunError } from '../core/errors/index.js';
import type { Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { SessionTarget } from '../process/build-args.js';
import { findClaudeBinary } from '../process/find-binary.js';
import type { WarmPool } from '../process/warm-pool.js';
import type { ResiliencePolicy } from '../resilience/resilience-policy.js';
import { runAttempt } from './attempt.js';
import { ClaudeRun, type RunController } from './claude-run.js';
import { EventGate } from './event-gate.js';
import { RunLifecycle, type RunServices } from './run-lifecycle.js';
import type { ResolvedRunOptions } from './run-options.js';

/** What the orchestrator needs besides the request. */
export interface OrchestratorServices extends RunServices {
  readonly policy: ResiliencePolicy;
  readonly cache: ResponseCache | undefined;
  /** Whether retries are configured (then the preamble of each attempt is held back). */
  readonly retriesEnabled: boolean;
  /** Pre-spawned processes, when `warmPool` is configured. */
  readonly pool: WarmPool | undefined;
}

/** One one-shot run request. */
export interface RunRequest {
  readonly prompt: Prompt;
  readonly options: ResolvedRunOptions;
  readonly target: SessionTarget;
  readonly signal: AbortSignal | undefined;
  readonly kind: string;
}

/**
 * Start a run. Throws synchronously when the CLI cannot be found; every other failure arrives
 * through the returned {@link ClaudeRun}.
 */
export function startRun(request: RunRequest, services: OrchestratorServices): ClaudeRun {
  const lifecycle = new RunLifecycle(services, request.kind, request.prompt, request.options.model);
  try {
    findClaudeBinary(request.options.claudeBinary);
  } catch (error) {
    throw lifecycle.fail(error);
  }
  return new ClaudeRun((controller) => {
    void orchestrate(request, services, lifecycle, controller);
  });
}

async function orchestrate(
  request: RunRequest,
  services: OrchestratorServices,
  lifecycle: RunLifecycle,
  controller: RunController,
): Promise<void> {
  const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
  const { cache } = services;
  // A resumed or continued conversation depends on its history, and a run with a turn extension
  // (client tools) on what the caller answers: neither is ever answered from cache.
  const cacheKey =
    cache && !request.target.resume && !request.target.continueLast && !request.options.turnExtension
      ? ResponseCache.keyFor(request.prompt, request.options)
      : undefined;
  let attempts = 0;
  try {
    if (cache && cacheKey) {
      const hit = await cache.get(cacheKey);
      services.prometheus?.cacheLookup(hit !== undefined);
      if (hit) return finish(replay(hit, controller));
    }
    const gate = new EventGate(controller.emit, services.retriesEnabled);
    let response: ClaudeCodeResponse;
    try {
      response = await services.policy.execute(
        async () => {
          attempts += 1;
          gate.discard();
          const answer = await runAttempt({
            prompt: request.prompt,
            options: request.options,
            target: request.target,
            signal,
            startedAt: lifecycle.startedAt,
            onEvent: gate.push,
            logger: services.logger,
            pool: services.pool,
          });
          // A failure the CLI reports (529, 429...) is retried like a thrown one.
          if (
            answer.isError &&
            isRetryableErrorType(answer.errorType ?? 'execution_error', answer.apiErrorStatus)
          ) {
            throw new ClaudeCodeRunError(answer);
          }
          return answer;
        },
        { signal, retryAllowed: () => !gate.released },
      );
    } catch (error) {
      // Out of retries on a CLI-reported failure: it is still a response unless throwOnError.
      if (!(error instanceof ClaudeCodeRunError)) throw error;
      response = error.response;
    }
    gate.release();
    const final: ClaudeCodeResponse = { ...response, retries: attempts - 1 };
    if (cache && cacheKey && !final.isError) await cache.set(cacheKey, final).catch(() => undefined);
    finish(final);
  } catch (error) {
    controller.fail(lifecycle.fail(error, Math.max(0, attempts - 1)));
  }

  function finish(response: ClaudeCodeResponse): void {
    try {
      const checked = lifecycle.complete(response, request.options.throwOnError);
      controller.emit({ type: 'result', response: checked, message: checked.raw });
      controller.succeed(checked);
    } catch (error) {
      controller.fail(error);
    }
  }
}

/** Re-emit a cached response's events through the one accumulator, as a live run would. */
function replay(cached: ClaudeCodeResponse, controller: RunController): ClaudeCodeResponse {
  const accumulator = new RunAccumulator(performance.now());
  for (const message of cached.messages) {
    if (message.type === 'result') continue;
    for (const event of accumulator.push(message)) controller.emit(event);
  }
  return { ...cached, executionTimeMs: 0, retries: 0 };
}
