/**
 * @module
 * One attempt of a one-shot run: spawn a CLI process, send the prompt, collect the response, close
 * the process. Retries, caching and bookkeeping happen around it.
 */
import type { ClaudeEvent } from '../core/events.js';
import type { Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { WrapperLogger } from '../observability/logger.js';
import type { SessionTarget } from '../process/build-args.js';
import { driveTurn } from '../process/drive-turn.js';
import { launchCli } from '../process/launch.js';
import type { ResolvedRunOptions } from './run-options.js';

/** Inputs of {@link runAttempt}. */
export interface AttemptRequest {
  readonly prompt: Prompt;
  readonly options: ResolvedRunOptions;
  readonly target: SessionTarget;
  readonly signal: AbortSignal;
  /** `performance.now()` when the whole run (not this attempt) started. */
  readonly startedAt: number;
  readonly onEvent: (event: ClaudeEvent) => void;
  readonly logger: WrapperLogger;
}

/** Run the prompt once in a fresh CLI process. The process is always ended before this settles or soon after. */
export async function runAttempt(request: AttemptRequest): Promise<ClaudeCodeResponse> {
  const cli = launchCli(request.options, request.target);
  try {
    const response = await driveTurn(cli, request.prompt, {
      startedAt: request.startedAt,
      timeoutMs: request.options.timeoutMs,
      idleTimeoutMs: request.options.idleTimeoutMs,
      interruptGraceMs: request.options.killGraceMs,
      stopMode: 'terminate',
      signal: request.signal,
      onEvent: request.onEvent,
      onMessage: (message) =>
        request.logger.trace({ event: 'cli_message', type: message.type, subtype: message.subtype }),
    });
    // Nothing more to say to this process: let it exit by itself, kill it if it lingers.
    void cli.close(request.options.killGraceMs);
    return response;
  } catch (error) {
    void cli.terminate();
    throw error;
  }
}
