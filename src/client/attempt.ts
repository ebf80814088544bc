/**
 * @module
 * One attempt of a one-shot run: get a CLI process (a live one handed over for the conversation, a
 * warm one from the pool, else a fresh one), send the prompt, collect the response, and end,
 * recycle or hand over the process. Retries, caching and bookkeeping happen around it.
 */
import { ClaudeCodeProcessError, ClaudeCodeProtocolError } from '../core/errors/index.js';
import type { ClaudeEvent } from '../core/events.js';
import type { Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { WrapperLogger } from '../observability/logger.js';
import type { SessionTarget } from '../process/build-args.js';
import type { CliProcess } from '../process/cli-process.js';
import { driveTurn } from '../process/drive-turn.js';
import { resolveLaunchSpec, spawnFromSpec } from '../process/launch.js';
import type { WarmPool } from '../process/warm-pool.js';
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
  readonly pool?: WarmPool | undefined;
}

/**
 * Run the prompt once. The process is ended (or returned to the pool, or handed over with
 * `processHandover`) before this settles or soon after.
 */
export async function runAttempt(request: AttemptRequest): Promise<ClaudeCodeResponse> {
  const { target, pool } = request;
  const handover = request.options.processHandover;
  const live = handover?.take();
  if (live) {
    // A kept process holding the conversation: the turn goes to it, no start-up, no resume.
    let sawOutput = false;
    try {
      const response = await turn(live, request, (event) => {
        sawOutput = true;
        request.onEvent(event);
      });
      if (!keepAfter(request, live, response)) void live.close(request.options.killGraceMs);
      return response;
    } catch (error) {
      void live.terminate();
      if (!diedUnused(error, sawOutput, request.signal)) throw error;
      // Its conversation is intact in the session: the target (a resume) continues it.
      request.logger.warn(
        { event: 'kept_process_failed', message: (error as Error).message },
        'kept process failed before answering; resuming the session in a fresh one',
      );
    }
  }
  // Only fresh conversations can use a pre-spawned process: resume/continue/session ids are argv.
  const poolable = pool !== undefined && !target.resume && !target.continueLast && !target.sessionId;
  // A pooled configuration's processes stream partial messages whether this run wants them or not
  // (one pool for run() and runStreaming()); cold ones too, so the pool can adopt them.
  const spec = poolable ? pool.launchSpec(request.options) : resolveLaunchSpec(request.options, target);
  const omitPartial = poolable && request.options.includePartialMessages !== true;
  if (poolable) {
    const pooled = await pool.acquire(spec, request.signal);
    if (pooled) {
      let sawOutput = false;
      try {
        const response = await turn(
          pooled.cli,
          request,
          (event) => {
            sawOutput = true;
            request.onEvent(event);
          },
          omitPartial,
        );
        if (keepAfter(request, pooled.cli, response, freshKey(request, spec.key))) pool.release(pooled);
        // An extension may have changed the process (e.g. registered MCP servers): never reuse it.
        else pool.giveBack(pooled, request.options.turnExtension ? undefined : response);
        return response;
      } catch (error) {
        pool.giveBack(pooled, undefined);
        // A parked process that died just before hand-off is the pool's problem, not the caller's.
        if (!diedUnused(error, sawOutput, request.signal)) throw error;
        request.logger.warn(
          { event: 'pool_handoff_failed', message: (error as Error).message },
          'warm process failed; starting a fresh one',
        );
      }
    }
  }
  const cli = spawnFromSpec(spec);
  // The pool holds its spares back while this CLI starts, and may keep it afterwards.
  const cold = pool?.coldStarted(poolable ? spec : undefined, cli);
  try {
    const response = await turn(cli, request, request.onEvent, omitPartial);
    if (keepAfter(request, cli, response, poolable ? freshKey(request, spec.key) : undefined)) {
      cold?.handedOver();
    }
    // Nothing more to say to this process: let it exit by itself, kill it if it lingers. An
    // extension may have changed the process (e.g. registered MCP servers): never pool it.
    else if (!cold?.finish(request.options.turnExtension ? undefined : response)) {
      void cli.close(request.options.killGraceMs);
    }
    return response;
  } catch (error) {
    cold?.finish(undefined);
    void cli.terminate();
    throw error;
  }
}

/**
 * Hand the process of an answered turn over (`processHandover.keep`) instead of ending it; false
 * when it is not wanted: no handover, or the CLI reported an error (its conversation then holds a
 * turn the caller never got, so only a resume from the session is exact).
 */
function keepAfter(
  request: AttemptRequest,
  cli: CliProcess,
  response: ClaudeCodeResponse,
  launchKey?: string,
): boolean {
  const handover = request.options.processHandover;
  if (handover === undefined || response.isError || !cli.isAlive) return false;
  handover.keep(cli, launchKey);
  return true;
}

/**
 * The launch key a kept process is handed over with: that of a fresh process, unless an extension
 * changed it (registered the caller's tools): such a process must never serve another request.
 */
function freshKey(request: AttemptRequest, key: string): string | undefined {
  return request.options.turnExtension ? undefined : key;
}

/**
 * True when a process handed to this attempt (pooled or kept) failed before any output, and not
 * because the caller stopped: the attempt goes on in a fresh process instead of failing.
 */
function diedUnused(error: unknown, sawOutput: boolean, signal: AbortSignal): boolean {
  return (
    !sawOutput &&
    !signal.aborted &&
    (error instanceof ClaudeCodeProcessError || error instanceof ClaudeCodeProtocolError)
  );
}

function turn(
  cli: CliProcess,
  request: AttemptRequest,
  onEvent: (event: ClaudeEvent) => void,
  omitPartialMessages = false,
): Promise<ClaudeCodeResponse> {
  return driveTurn(cli, request.prompt, {
    startedAt: request.startedAt,
    timeoutMs: request.options.timeoutMs,
    idleTimeoutMs: request.options.idleTimeoutMs,
    interruptGraceMs: request.options.killGraceMs,
    stopMode: 'terminate',
    signal: request.signal,
    extension: request.options.turnExtension,
    omitPartialMessages,
    onEvent,
    onMessage: (message) =>
      request.logger.trace({ event: 'cli_message', type: message.type, subtype: message.subtype }),
  });
}
