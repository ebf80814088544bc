/**
 * @module
 * OpenTelemetry spans through `@opentelemetry/api`: a no-op until the application installs an SDK.
 */
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { ClaudeCodeResponse } from '../core/response.js';

const tracer = trace.getTracer('claude-code-wrapper');

/** Start a span for one run. */
export function startRunSpan(
  kind: string,
  attributes: Record<string, string | number | boolean | undefined>,
): Span {
  const span = tracer.startSpan(`claude.${kind}`);
  for (const [key, value] of Object.entries(attributes))
    if (value !== undefined) span.setAttribute(`claude.${key}`, value);
  return span;
}

/** End a span with the run's outcome. */
export function endRunSpan(span: Span, outcome: { response?: ClaudeCodeResponse; error?: unknown }): void {
  const { response, error } = outcome;
  if (response) {
    span.setAttribute('claude.session_id', response.sessionId);
    span.setAttribute('claude.cost_usd', response.metrics.costUsd);
    span.setAttribute('claude.input_tokens', response.metrics.inputTokens);
    span.setAttribute('claude.output_tokens', response.metrics.outputTokens);
    span.setAttribute('claude.cached', response.cached === true);
    span.setAttribute('claude.retries', response.retries ?? 0);
    if (response.isError)
      span.setStatus({ code: SpanStatusCode.ERROR, message: response.errorType ?? 'error' });
  }
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }
  span.end();
}
