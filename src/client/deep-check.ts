/**
 * @module
 * The deep health check: one minimal real call through the CLI, which tells credentials the API
 * accepts from credentials it rejects, and both from an API that cannot be reached. Detecting where
 * credentials come from (the cheap check) cannot tell an expired login or a revoked key from a good one.
 */
import { randomUUID } from 'node:crypto';
import { ClaudeCodeError } from '../core/errors/index.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { RunOptions } from './run-options.js';

/**
 * What the call showed:
 * - `ok`: the API answered;
 * - `key_rejected`: the API answered 401 (a wrong, revoked or expired key or login token);
 * - `not_logged_in`: the CLI found no credentials and made no call;
 * - `unreachable`: no answer from the API (connection refused or dropped, DNS, proxy, timeout);
 * - `failed`: anything else (rate limit, overload, a model the account cannot use, a CLI crash).
 */
export type DeepCheckOutcome = 'ok' | 'key_rejected' | 'not_logged_in' | 'unreachable' | 'failed';

/** Result of {@link deepCheck}. */
export interface DeepCheckResult {
  /** `outcome === 'ok'`. */
  readonly ok: boolean;
  readonly outcome: DeepCheckOutcome;
  /** @unit milliseconds */
  readonly latencyMs: number;
  /** What the CLI or the API said, when not ok. */
  readonly error?: string;
}

/** Runs the check's prompt: a `ClaudeCodeWrapper`. */
export interface DeepCheckRunner {
  run(prompt: string, options: RunOptions): Promise<ClaudeCodeResponse>;
}

/** Time limit of the call: an API that has not answered by then counts as unreachable. */
export const DEEP_CHECK_TIMEOUT_MS = 60_000;

/**
 * The smallest call that proves the credentials: a one-word prompt under a one-line system prompt
 * (not Claude Code's long one), no tools, one turn, no transcript, no CLI retries (one call, so the
 * answer comes in seconds and a rejected key costs nothing). `model` defaults to `haiku`, the
 * cheapest alias; pass the configured model when the account may not have every one.
 */
export async function deepCheck(runner: DeepCheckRunner, model = 'haiku'): Promise<DeepCheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    // A fresh prompt each time, so a configured response cache cannot answer in the API's place.
    const response = await runner.run(`Reply with the single word: ok (check ${randomUUID()})`, {
      model,
      systemPrompt: 'You are a health check. Reply with the single word: ok',
      maxTurns: 1,
      tools: [],
      sessionPersistence: false,
      cliMaxRetries: 0,
      timeoutMs: DEEP_CHECK_TIMEOUT_MS,
      throwOnError: false,
    });
    if (!response.isError) return { ok: true, outcome: 'ok', latencyMs: elapsed() };
    return { ok: false, outcome: outcomeOf(response), latencyMs: elapsed(), error: describe(response) };
  } catch (error) {
    const timedOut =
      ClaudeCodeError.isInstance(error) && (error.code === 'TIMEOUT' || error.code === 'IDLE_TIMEOUT');
    return {
      ok: false,
      outcome: timedOut ? 'unreachable' : 'failed',
      latencyMs: elapsed(),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

function outcomeOf(response: ClaudeCodeResponse): DeepCheckOutcome {
  if (response.apiErrorStatus === 401) return 'key_rejected';
  switch (response.errorType) {
    // Without an HTTP status the CLI refused before calling: it has no credentials at all.
    case 'authentication_error':
      return response.apiErrorStatus === undefined ? 'not_logged_in' : 'key_rejected';
    case 'connection_error':
    case 'timeout_error':
      return 'unreachable';
    default:
      return 'failed';
  }
}

function describe(response: ClaudeCodeResponse): string {
  const text = response.content || response.errors.join('; ') || response.errorType || 'unknown error';
  return response.apiErrorStatus === undefined ? text : `${text} (HTTP ${response.apiErrorStatus})`;
}
