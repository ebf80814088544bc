/**
 * @module
 * One turn over a running CLI process: send the prompt, fold the output into events and a
 * response, enforce the total and idle timeouts, and stop the CLI on abort. A {@link TurnExtension}
 * can take part in the CLI's control protocol (answer its control requests, send its own), which is
 * how client tool calls are served (see `src/tools/README.md`).
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
import { errorFromExit, sessionErrorFromResult } from './classify-exit.js';
import type { CliProcess } from './cli-process.js';
import { controlRequestLine, PendingControlRequests, userMessageLine } from './stdin-protocol.js';

/** What a {@link TurnExtension} may do with the running turn. */
export interface TurnControls {
  /** Write one JSON line to the CLI's stdin; false when stdin is closed. */
  send(line: Record<string, unknown>): boolean;
  /**
   * Send a control request and resolve with the CLI's `response` payload.
   * @throws Error when the CLI answers with an error, or the turn ends first.
   */
  request(subtype: string, fields?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Pause the total and idle timeouts (e.g. while a tool call waits for a result from the caller);
   * they resume, with the time already spent, when every returned release function was called.
   */
  holdTimers(): () => void;
  /** End the turn with `error`; the process is stopped as {@link StopMode} says. */
  stop(error: ClaudeCodeError): void;
}

/** Hooks into one turn's control protocol. Called again for every attempt (a retry is a new turn). */
export interface TurnExtension {
  /** Runs before the prompt is written; the prompt waits for it. A rejection fails the turn. */
  start?(controls: TurnControls): Promise<void>;
  /** A `control_request` from the CLI. Return true when it was handled (answered now or later). */
  onControlRequest?(message: CliMessage, controls: TurnControls): boolean;
  /** The turn ended (result, failure or abort); pending work tied to this process is void. */
  end?(): void;
}

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
  /** Takes part in the control protocol (client tools). */
  readonly extension?: TurnExtension | undefined;
  /**
   * Ignore `stream_event` lines: the process streams partial messages (a pooled one always does)
   * but the run did not ask for them, so its events and response are those of a run without.
   */
  readonly omitPartialMessages?: boolean | undefined;
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
    const { extension } = options;
    const pending = new PendingControlRequests();
    let finished = false;
    let stopping: ClaudeCodeError | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    let totalTimer: NodeJS.Timeout | undefined;
    // The total deadline moves forward by the time the timers were held.
    let deadline = performance.now() + options.timeoutMs;
    let holds = 0;
    let heldSince = 0;

    const cleanup = (): void => {
      finished = true;
      clearTimeout(totalTimer);
      clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      process.setSink(undefined);
      pending.rejectAll(new Error('the turn ended'));
      extension?.end?.();
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
      // Its output is not wanted: killed at once, so it makes no further API call (see `kill`).
      void process.kill();
      fail(error);
    };

    const armIdle = (): void => {
      if (options.idleTimeoutMs <= 0 || finished || holds > 0) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => stop(new ClaudeCodeTimeoutError(options.idleTimeoutMs, 'idle')),
        options.idleTimeoutMs,
      );
    };
    const armTotal = (): void => {
      clearTimeout(totalTimer);
      totalTimer = setTimeout(
        () => stop(new ClaudeCodeTimeoutError(options.timeoutMs, 'total')),
        Math.max(0, deadline - performance.now()),
      );
    };
    const onAbort = (): void => {
      const reason: unknown = options.signal?.reason;
      stop(ClaudeCodeError.isInstance(reason) ? reason : new ClaudeCodeAbortError(reason));
    };

    const controls: TurnControls = {
      send: (line) => !finished && process.send(line),
      request: (subtype, fields = {}) =>
        pending.send((line) => !finished && process.send(line), subtype, fields),
      holdTimers: () => {
        if (holds++ === 0) {
          heldSince = performance.now();
          clearTimeout(totalTimer);
          clearTimeout(idleTimer);
        }
        let released = false;
        return () => {
          if (released || finished) return;
          released = true;
          if (--holds > 0) return;
          deadline += performance.now() - heldSince;
          armTotal();
          armIdle();
        };
      },
      stop,
    };

    process.setSink({
      message(message) {
        if (finished) return;
        armIdle();
        if (options.omitPartialMessages && message.type === 'stream_event') return;
        options.onMessage?.(message);
        if (message.type === 'control_response') {
          if (pending.settle(message)) return;
          const startup = startupAnswer(process, message);
          if (startup === 'ok') return;
          if (startup !== undefined) {
            // Running on without the caller's system prompt or schema would answer the wrong question.
            void process.terminate();
            return fail(
              new ClaudeCodeProtocolError(`The CLI refused the initialize request: ${startup.error}`),
            );
          }
        }
        if (message.type === 'control_request' && !stopping) extension?.onControlRequest?.(message, controls);
        const events = accumulator.push(message);
        if (stopping) {
          // While stopping, only the closing result matters.
          if (accumulator.response) fail(stopping);
          return;
        }
        for (const event of events) options.onEvent(event);
        if (accumulator.response) {
          // A resume the CLI could not load is an error of its own (the gateway retries it rebuilt).
          const sessionFailure = sessionErrorFromResult(accumulator.response);
          if (sessionFailure) fail(sessionFailure);
          else succeed(accumulator.response);
        }
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

    armTotal();
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
    const sendPrompt = (): void => {
      if (finished || process.send(userMessageLine(prompt)) || !process.sendError) return;
      // The prompt cannot be serialised (nested too deep): nothing was written, stop the CLI.
      void process.terminate();
      fail(process.sendError);
    };
    if (!extension?.start) return sendPrompt();
    extension.start(controls).then(sendPrompt, (error: unknown) => {
      if (finished) return;
      void process.terminate();
      fail(
        ClaudeCodeError.isInstance(error)
          ? error
          : new ClaudeCodeProtocolError(`Cannot prepare the CLI turn: ${(error as Error).message}`, {
              cause: error,
            }),
      );
    });
  });
}

/**
 * The answer to the `initialize` request written at spawn (`CliProcess.startupRequestId`): `ok`,
 * `{ error }`, or undefined when `message` answers something else. It is not a turn event.
 */
function startupAnswer(process: CliProcess, message: CliMessage): 'ok' | { error: string } | undefined {
  const body = message['response'] as
    { request_id?: unknown; subtype?: unknown; error?: unknown } | undefined;
  if (process.startupRequestId === undefined || body?.request_id !== process.startupRequestId)
    return undefined;
  process.startupRequestId = undefined;
  if (body.subtype === 'success') return 'ok';
  return { error: typeof body.error === 'string' ? body.error : 'unknown error' };
}
