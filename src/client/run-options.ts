/**
 * @module
 * Merging per-call options over the wrapper's configuration, validating once, applying defaults.
 */
import { runOptionsSchema, type ClaudeRunConfig } from '../core/config/schema.js';
import { parseOrThrow } from '../core/config/validate.js';
import { ClaudeCodeValidationError } from '../core/errors/index.js';
import type { TurnExtension } from '../process/drive-turn.js';
import type { ProcessHandover } from '../process/process-handover.js';

/** Options accepted by `run`, `runStreaming` and friends: any run setting, plus call-only fields. */
export interface RunOptions extends ClaudeRunConfig {
  /** Abort the run; the CLI is killed and the call rejects with {@link ClaudeCodeAbortError}. */
  readonly signal?: AbortSignal;
  /** Start a new session with this UUID (`--session-id`). */
  readonly sessionId?: string;
  /**
   * Advanced: takes part in the CLI's control protocol on every attempt (client tool calling uses
   * it, see `src/tools/`). Runs with one are never cached, and their pooled process is not reused.
   */
  readonly turnExtension?: TurnExtension;
  /**
   * Advanced: run the turn in a live process that already holds the conversation, and hand the
   * process over after a successful answer instead of ending it (the gateway's conversation
   * affinity, see `src/process/process-handover.ts`).
   */
  readonly processHandover?: ProcessHandover;
}

/** Options for `resumeSession`. */
export interface ResumeOptions extends RunOptions {
  /** Branch the session into a new id instead of appending to it (`--fork-session`). */
  readonly fork?: boolean;
  /**
   * Resume the session only up to this message (the `uuid` of an assistant message the run
   * reported, as in `response.messages`), dropping what came after (`--resume-session-at`).
   * Combine with `fork` to branch a conversation from an earlier turn.
   */
  readonly resumeAt?: string;
}

/** Run settings after merging and defaults. */
export type ResolvedRunOptions = ClaudeRunConfig & {
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly killGraceMs: number;
  /** See {@link RunOptions.turnExtension}. */
  readonly turnExtension?: TurnExtension | undefined;
  /** See {@link RunOptions.processHandover}. */
  readonly processHandover?: ProcessHandover | undefined;
};

/** Default limits. */
export const RUN_DEFAULTS = {
  timeoutMs: 600_000,
  idleTimeoutMs: 300_000,
  killGraceMs: 2_000,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Merge `call` over `base` field by field and validate.
 * @throws {@link ClaudeCodeValidationError} naming the field, before anything is spawned.
 */
export function resolveRunOptions(
  base: ClaudeRunConfig,
  call: (RunOptions & { fork?: boolean; resumeAt?: string }) | undefined,
  defaults: Partial<ClaudeRunConfig> = {},
): {
  options: ResolvedRunOptions;
  signal: AbortSignal | undefined;
  sessionId: string | undefined;
  fork: boolean;
  resumeAt: string | undefined;
} {
  const { signal, sessionId, fork, resumeAt, turnExtension, processHandover, ...rest } = call ?? {};
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ClaudeCodeValidationError('options.signal', signal, 'must be an AbortSignal');
  }
  if (sessionId !== undefined) validateSessionId('options.sessionId', sessionId);
  if (fork !== undefined && typeof fork !== 'boolean') {
    throw new ClaudeCodeValidationError('options.fork', fork, 'must be a boolean');
  }
  if (resumeAt !== undefined) validateSessionId('options.resumeAt', resumeAt, 'a message uuid');
  if (turnExtension !== undefined && (typeof turnExtension !== 'object' || turnExtension === null)) {
    throw new ClaudeCodeValidationError('options.turnExtension', turnExtension, 'must be an object');
  }
  if (processHandover !== undefined && (typeof processHandover !== 'object' || processHandover === null)) {
    throw new ClaudeCodeValidationError('options.processHandover', processHandover, 'must be an object');
  }
  const callOptions = parseOrThrow(runOptionsSchema, stripUndefined(rest), 'options');
  const merged: ClaudeRunConfig = { ...defaults, ...base, ...callOptions };
  // Environment variables merge key by key: a per-call variable must not drop the configured ones.
  if (base.env || callOptions.env) merged.env = { ...base.env, ...callOptions.env };
  return {
    options: {
      ...merged,
      timeoutMs: merged.timeoutMs ?? RUN_DEFAULTS.timeoutMs,
      idleTimeoutMs: merged.idleTimeoutMs ?? RUN_DEFAULTS.idleTimeoutMs,
      killGraceMs: merged.killGraceMs ?? RUN_DEFAULTS.killGraceMs,
      ...(turnExtension === undefined ? {} : { turnExtension }),
      ...(processHandover === undefined ? {} : { processHandover }),
    },
    signal,
    sessionId,
    fork: fork ?? false,
    resumeAt,
  };
}

/**
 * Validate a session id from outside (`resumeSession`, `session({ resume })`). The CLI's session ids
 * are UUIDs; anything else is refused because `--resume` also accepts a path, and would load any
 * `.jsonl` file the caller names as the conversation history. Message uuids (`resumeAt`) likewise.
 * @throws {@link ClaudeCodeValidationError} naming `field`.
 */
export function validateSessionId(field: string, value: unknown, what = 'a session id'): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new ClaudeCodeValidationError(field, value, `must be ${what} (a UUID)`);
  }
  return value;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
