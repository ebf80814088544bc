/**
 * @module
 * Reading the CLI's `result` line: success or which kind of failure. The CLI reports API failures as
 * `subtype: "success"` with `is_error: true`, so the subtype alone is not enough.
 */
import { asRecord, numberField, stringField, type CliMessage } from './cli-message.js';
import type { ClaudeCodeResponse, ClaudeErrorType, PermissionDenial, RunMetrics } from './response.js';

/** What the result line says, before the accumulator adds the run-wide facts. */
export type ResultSummary = Omit<
  ClaudeCodeResponse,
  'executionTimeMs' | 'model' | 'messages' | 'raw' | 'cached' | 'retries'
>;

/** Parse a `result` line into a {@link ResultSummary}. */
export function summarizeResult(raw: CliMessage): ResultSummary {
  const usage = asRecord(raw['usage']);
  const metrics: RunMetrics = {
    costUsd: turnCost(raw),
    sessionCostUsd: numberField(raw, 'total_cost_usd'),
    durationMs: numberField(raw, 'duration_ms'),
    durationApiMs: numberField(raw, 'duration_api_ms'),
    numTurns: numberField(raw, 'num_turns'),
    inputTokens: numberField(usage, 'input_tokens'),
    outputTokens: numberField(usage, 'output_tokens'),
    cacheReadInputTokens: numberField(usage, 'cache_read_input_tokens'),
    cacheCreationInputTokens: numberField(usage, 'cache_creation_input_tokens'),
  };
  const content = typeof raw['result'] === 'string' ? raw['result'] : '';
  const errors = Array.isArray(raw['errors']) ? raw['errors'].filter((e) => typeof e === 'string') : [];
  const status = typeof raw['api_error_status'] === 'number' ? raw['api_error_status'] : undefined;
  const isError = raw['is_error'] === true || (raw.subtype !== undefined && raw.subtype.startsWith('error'));
  const stopReason = stringField(raw, 'stop_reason');
  const summary: ResultSummary = {
    content,
    sessionId: raw.session_id ?? '',
    isError,
    errors,
    metrics,
    permissionDenials: readDenials(raw['permission_denials']),
    ...(stopReason === undefined ? {} : { stopReason }),
    ...(raw['structured_output'] === undefined ? {} : { structuredOutput: raw['structured_output'] }),
    ...(status === undefined ? {} : { apiErrorStatus: status }),
  };
  if (!isError) return summary;
  return {
    ...summary,
    errorType: classifyError(raw, status, content),
    errorSubtype: stringField(raw, 'terminal_reason') ?? raw.subtype ?? 'unknown',
  };
}

/**
 * Cost of this turn alone. `total_cost_usd` accumulates over the whole session (across processes
 * when resumed), so a turn's own cost comes from `model_usage_since_last_result` when the CLI has it.
 */
function turnCost(raw: CliMessage): number {
  const sinceLast = asRecord(raw['model_usage_since_last_result']);
  if (!sinceLast) return numberField(raw, 'total_cost_usd');
  return Object.values(sinceLast).reduce<number>(
    (sum, usage) => sum + numberField(asRecord(usage), 'costUSD'),
    0,
  );
}

/** Map a failed result to a {@link ClaudeErrorType}. */
function classifyError(raw: CliMessage, status: number | undefined, text: string): ClaudeErrorType {
  switch (raw.subtype) {
    case 'error_max_turns':
      return 'max_turns';
    case 'error_max_budget_usd':
      return 'max_budget';
    case 'error_max_structured_output_retries':
      return 'max_structured_output_retries';
    case 'error_during_execution':
      return raw['terminal_reason'] === 'aborted_streaming' ? 'aborted' : 'execution_error';
  }
  if (status !== undefined) return errorTypeForStatus(status);
  if (/not logged in|invalid api key|\/login|oauth token/i.test(text)) return 'authentication_error';
  if (/timed out/i.test(text)) return 'timeout_error';
  if (raw['api_error'] === 'connection_failed' || /connection (dropped|lost|refused|error)/i.test(text)) {
    return 'connection_error';
  }
  return 'execution_error';
}

/** The Anthropic API error type for an HTTP status. */
export function errorTypeForStatus(status: number): ClaudeErrorType {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 408:
      return 'timeout_error';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** Whether a failure of this type can succeed when retried unchanged. */
export function isRetryableErrorType(type: ClaudeErrorType, status?: number): boolean {
  switch (type) {
    case 'rate_limit_error':
    case 'overloaded_error':
    case 'timeout_error':
    case 'connection_error':
      return true;
    case 'api_error':
      return status === undefined || status >= 500;
    default:
      return false;
  }
}

function readDenials(value: unknown): PermissionDenial[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const r = asRecord(item);
    if (!r) return [];
    return [
      {
        toolName: stringField(r, 'tool_name') ?? '',
        toolUseId: stringField(r, 'tool_use_id') ?? '',
        toolInput: r['tool_input'],
      },
    ];
  });
}
