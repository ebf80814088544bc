/**
 * @module
 * The typed result of one run, folded from the CLI's stream-json output.
 */
import type { CliMessage } from './cli-message.js';

/** Token and cost accounting for one run, as reported by the CLI's `result` line. */
export interface RunMetrics {
  /** Cost of this run alone, at list price as the CLI computes it. @unit USD */
  readonly costUsd: number;
  /** Cost of the whole session so far, as the CLI accumulates it (includes earlier turns and resumed processes). @unit USD */
  readonly sessionCostUsd: number;
  /** Wall time the CLI measured for the turn, in milliseconds. */
  readonly durationMs: number;
  /** Time spent waiting for the API, in milliseconds. */
  readonly durationApiMs: number;
  /** Agentic turns (model calls) the CLI made. */
  readonly numTurns: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheCreationInputTokens: number;
}

/**
 * Normalised category of a run the CLI reported as failed. API categories reuse the Anthropic API's
 * error `type` names so they map one-to-one onto HTTP error bodies.
 */
export type ClaudeErrorType =
  | 'authentication_error'
  | 'permission_error'
  | 'invalid_request_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error'
  | 'connection_error'
  | 'max_turns'
  | 'max_budget'
  | 'max_structured_output_retries'
  | 'aborted'
  | 'execution_error';

/** A tool call the CLI's permission system refused during the run. */
export interface PermissionDenial {
  readonly toolName: string;
  readonly toolUseId: string;
  readonly toolInput: unknown;
}

/** The outcome of one prompt. */
export interface ClaudeCodeResponse {
  /** The final text answer (empty when the run failed before answering). */
  readonly content: string;
  /** CLI session id; pass it to `resumeSession` to continue the conversation. */
  readonly sessionId: string;
  /** True when the CLI reported the run as failed (API error, max turns, budget...). */
  readonly isError: boolean;
  /** Normalised failure category when {@link isError}. */
  readonly errorType?: ClaudeErrorType;
  /** The CLI's own subtype/terminal reason, e.g. `error_max_turns` or `api_error`. */
  readonly errorSubtype?: string;
  /** HTTP status of the final API error, when the failure came from the API. */
  readonly apiErrorStatus?: number;
  /** Error strings the CLI reported, e.g. `Reached maximum number of turns (1)`. */
  readonly errors: readonly string[];
  /** Wall time measured by the wrapper, from spawn/hand-off to result, in milliseconds. */
  readonly executionTimeMs: number;
  /** Cost, tokens and timing. */
  readonly metrics: RunMetrics;
  /** The model that answered (from the session start), when known. */
  readonly model?: string;
  /** Why the model stopped, e.g. `end_turn` or `tool_use`. */
  readonly stopReason?: string;
  /** Parsed structured output when a `jsonSchema` was given and the model produced it. */
  readonly structuredOutput?: unknown;
  /** Tool calls the CLI refused. */
  readonly permissionDenials: readonly PermissionDenial[];
  /** Every stream-json message the CLI printed for this run, in order. */
  readonly messages: readonly CliMessage[];
  /** The CLI's `result` line, untouched. */
  readonly raw: CliMessage;
  /** True when served from the response cache (no CLI process ran). */
  readonly cached?: boolean;
  /** Retries the wrapper made before this response (0 when the first attempt answered). */
  readonly retries?: number;
}
