/**
 * @module
 * One turn over a running CLI process: send the prompt, fold the output into events and a
 * response, enforce the total and idle timeouts, and stop the CLI on abort.
 */
import { RunAccumulator } from '../core/accumulator.js';
import type { CliMessage } from '../core/cli-message.js';
import {
  ClaudeCodeAbortError,
  ClaudeCodeError,
  ClaudeCodeProtocolError,
  ClaudeCodeTimeoutError,
} from '../core/errors/index.js';
import type { ClaudeEvent } from '../core/events.js';
import type { Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import { errorFromExit } from './classify-exit.js';
import type { CliProcess } from './cli-process.js';
import { controlRequestLine, userMessageLine } from './stdin-protocol.js';

/** How to stop the CLI when the turn must end early. */
export type StopMode =
  /** Kill the process (one-shot runs). */
  | 'terminate'
  /** Send an `interrupt` control request and keep the process (sessions); kill if it does not answer. */
  | 'interrupt';

/** Settings for {@link driveTurn}. */
export interface DriveTurnOptions {
  /** `performance.now()` at the start of the run (before spawn), for `executionTimeMs`. */
  readonly startedAt: number;
  readonly timeoutMs: number;
  /** 0 disables the watchdog. */
  readonly idleTimeoutMs: number;
  /** How long to wait for the CLI to acknowledge an interrupt before killing it. */
  readonly interruptGraceMs: number;
  readonly stopMode: StopMode;
  readonly signal?: AbortSignal | undefined;
  readonly onEvent: (event: ClaudeEvent) => void;
  /** Called with each raw CLI message (debug logging). */
  readonly onMessage?: (message: CliMessage) => void;
}

/**
 * Send `prompt` to `process` and resolve with the turn's response.
 * @throws {@link ClaudeCodeTimeoutError}, {@link ClaudeCodeAbortError}, {@link ClaudeCodeProcessError},
 * {@link ClaudeCodeProtocolError}, {@link ClaudeCodeSpawnError} and the session errors.
 */
export function driveTurn(
  process: CliProcess,
  prompt: Prompt,
  options: DriveTurnOptions,
): Promise<ClaudeCodeResponse> {
  return new Promise<ClaudeCodeResponse>((resolve, reject) => {
    const accumulator = new RunAccumulator(options.startedAt);
    const unparsed: string[] = [];
    let finished = false;
    let stopping: ClaudeCodeError | undefined;
    let idleTimer: NodeJS.Timeout | undefined;

    const cleanup = (): void => {
      finished = true;
      clearTimeout(totalTimer);
      clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      process.setSink(undefined);
    };
    const succeed = (response: ClaudeCodeResponse): void => {
      if (finished) return;
      cleanup();
      resolve(response);
    };
    const fail = (error: unknown): void => {
      if (finished) return;
      cleanup();
      reject(error);
    };

    const stop = (error: ClaudeCodeError): void => {
      if (finished || stopping) return;
      stopping = error;
      if (options.stopMode === 'interrupt' && process.isAlive) {
        const { line } = controlRequestLine('interrupt');
        if (process.send(line)) {
          // The interrupted turn still ends with a result line; wait for it so the process is clean
          // for the next turn, and kill it if it does not come.
          const grace = setTimeout(() => {
            void process.terminate();
            fail(error);
          }, options.interruptGraceMs);
          grace.unref();
          return;
        }
      }
      void process.terminate();
      fail(error);
    };

    const armIdle = (): void => {
      if (options.idleTimeoutMs <= 0 || finished) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => stop(new ClaudeCodeTimeoutError(options.idleTimeoutMs, 'idle')),
        options.idleTimeoutMs,
      );
    };
    const totalTimer = setTimeout(
      () => stop(new ClaudeCodeTimeoutError(options.timeoutMs, 'total')),
      options.timeoutMs,
    );
    const onAbort = (): void => {
      const reason: unknown = options.signal?.reason;
      stop(ClaudeCodeError.isInstance(reason) ? reason : new ClaudeCodeAbortError(reason));
    };

    process.setSink({
      message(message) {
        if (finished) return;
        armIdle();
        options.onMessage?.(message);
        const events = accumulator.push(message);
        if (stopping) {
          // While stopping, only the closing result matters.
          if (accumulator.response) fail(stopping);
          return;
        }
        for (const event of events) options.onEvent(event);
        if (accumulator.response) succeed(accumulator.response);
      },
      unparsed(line) {
        armIdle();
        if (unparsed.length < 20) unparsed.push(line.slice(0, 1000));
      },
      failure(error) {
        fail(new ClaudeCodeProtocolError(`Cannot read the CLI output: ${error.message}`, { cause: error }));
      },
      exit(info) {
        if (stopping) return fail(stopping);
        fail(
          process.spawnError ??
            errorFromExit({
              ...info,
              stderrTail: process.stderrTail,
              unparsedLines: unparsed,
              sawOutput: accumulator.messages.length > 0,
            }),
        );
      },
    });

    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    armIdle();
    // A dead process cannot take input; its exit (already delivered or pending) reports why.
    if (!process.isAlive) {
      fail(
        process.spawnError ??
          errorFromExit({
            exitCode: null,
            signal: null,
            stderrTail: process.stderrTail,
            unparsedLines: [],
            sawOutput: false,
          }),
      );
      return;
    }
    process.send(userMessageLine(prompt));
  });
}
