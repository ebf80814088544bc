/**
 * @module
 * The JSON the command line prints for responses and events. Keys are always present (`null` when
 * unknown) so scripts and `jq` filters can rely on the shape; the CLI's raw lines (`messages`, `raw`)
 * are left out because they are large and belong to the CLI's own, changing format.
 */
import type { ClaudeEvent } from '../../core/events.js';
import type { ClaudeCodeResponse } from '../../core/response.js';

/** The stable JSON form of a response (`ask --json`, `--format json`). */
export interface ResponseJson {
  readonly content: string;
  readonly isError: boolean;
  readonly errorType: string | null;
  readonly errorSubtype: string | null;
  readonly apiErrorStatus: number | null;
  readonly errors: readonly string[];
  readonly sessionId: string;
  readonly model: string | null;
  readonly stopReason: string | null;
  readonly structuredOutput: unknown;
  readonly executionTimeMs: number;
  readonly costUsd: number;
  readonly sessionCostUsd: number;
  readonly usage: {
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly cacheReadInputTokens: number;
    readonly cacheCreationInputTokens: number;
  };
  readonly durationMs: number;
  readonly durationApiMs: number;
  readonly numTurns: number;
  readonly permissionDenials: readonly { readonly toolName: string; readonly toolUseId: string }[];
}

/** Project a response onto {@link ResponseJson}. */
export function toResponseJson(response: ClaudeCodeResponse): ResponseJson {
  const m = response.metrics;
  return {
    content: response.content,
    isError: response.isError,
    errorType: response.errorType ?? null,
    errorSubtype: response.errorSubtype ?? null,
    apiErrorStatus: response.apiErrorStatus ?? null,
    errors: response.errors,
    sessionId: response.sessionId,
    model: response.model ?? null,
    stopReason: response.stopReason ?? null,
    structuredOutput: response.structuredOutput ?? null,
    executionTimeMs: response.executionTimeMs,
    costUsd: m.costUsd,
    sessionCostUsd: m.sessionCostUsd,
    usage: {
      inputTokens: m.inputTokens,
      outputTokens: m.outputTokens,
      cacheReadInputTokens: m.cacheReadInputTokens,
      cacheCreationInputTokens: m.cacheCreationInputTokens,
    },
    durationMs: m.durationMs,
    durationApiMs: m.durationApiMs,
    numTurns: m.numTurns,
    permissionDenials: response.permissionDenials.map(({ toolName, toolUseId }) => ({ toolName, toolUseId })),
  };
}

/**
 * One `--format stream-json` line: the library's typed event without the CLI line it came from;
 * the final `result` event carries the {@link ResponseJson}.
 */
export function toEventJson(event: ClaudeEvent): Record<string, unknown> {
  if (event.type === 'result') return { type: 'result', response: toResponseJson(event.response) };
  const { message: _message, ...rest } = event;
  return rest;
}
