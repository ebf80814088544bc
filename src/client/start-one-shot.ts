/**
 * @module
 * A one-shot run: spawn a CLI process, send one prompt, stream its events, close the process.
 */
import type { Prompt } from '../core/prompt.js';
import type { SessionTarget } from '../process/build-args.js';
import type { CliProcess } from '../process/cli-process.js';
import { driveTurn } from '../process/drive-turn.js';
import { launchCli } from '../process/launch.js';
import { ClaudeRun } from './claude-run.js';
import { RunLifecycle, type RunServices } from './run-lifecycle.js';
import type { ResolvedRunOptions } from './run-options.js';

/** Inputs of {@link startOneShot}. */
export interface OneShotRequest {
  readonly prompt: Prompt;
  readonly options: ResolvedRunOptions;
  readonly target: SessionTarget;
  readonly signal: AbortSignal | undefined;
  readonly kind: string;
  readonly services: RunServices;
}

/** Start a one-shot run; the returned {@link ClaudeRun} owns the CLI process. */
export function startOneShot(request: OneShotRequest): ClaudeRun {
  // Look the binary up and spawn eagerly, so configuration errors throw from the call itself.
  const lifecycle = new RunLifecycle(request.services, request.kind, request.prompt);
  let cli: CliProcess;
  try {
    cli = launchCli(request.options, request.target);
  } catch (error) {
    throw lifecycle.fail(error);
  }
  return new ClaudeRun((controller) => {
    const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
    driveTurn(cli, request.prompt, {
      startedAt: lifecycle.startedAt,
      timeoutMs: request.options.timeoutMs,
      idleTimeoutMs: request.options.idleTimeoutMs,
      interruptGraceMs: request.options.killGraceMs,
      stopMode: 'terminate',
      signal,
      onEvent: (event) => controller.emit(event),
      onMessage: (message) => request.services.logger.trace({ event: 'cli_message', type: message.type }),
    }).then(
      (response) => {
        // Nothing more to say to this process: let it exit by itself, kill it if it lingers.
        void cli.close(request.options.killGraceMs);
        try {
          controller.succeed(lifecycle.complete(response, request.options.throwOnError));
        } catch (error) {
          controller.fail(error);
        }
      },
      (error: unknown) => {
        void cli.terminate();
        controller.fail(lifecycle.fail(error));
      },
    );
  });
}
