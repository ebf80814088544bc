/**
 * @module
 * OpenTelemetry spans through `@opentelemetry/api`: one span per run, a no-op until the application
 * registers an OTel SDK. The API module itself (~9 MB of memory) is only loaded once an SDK has
 * registered its global, which the API marks under a well-known symbol.
 */
import { createRequire } from 'node:module';
import type * as OtelApiModule from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { ClaudeCodeResponse } from '../core/response.js';

type OtelApi = typeof OtelApiModule;

const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');
let api: OtelApi | undefined;

function otel(): OtelApi | undefined {
  if (!(OTEL_GLOBAL in globalThis)) return undefined;
  api ??= createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  return api;
}

/** Start a span for one run (undefined when no OTel SDK is registered). */
export function startRunSpan(
  kind: string,
  attributes: Record<string, string | number | boolean | undefined>,
): Span | undefined {
  const span = otel()?.trace.getTracer('claude-code-wrapper').startSpan(`claude.${kind}`);
  if (!span) return undefined;
  for (const [key, value] of Object.entries(attributes))
    if (value !== undefined) span.setAttribute(`claude.${key}`, value);
  return span;
}

/** End a span with the run's outcome. */
export function endRunSpan(
  span: Span | undefined,
  outcome: { response?: ClaudeCodeResponse; error?: unknown },
): void {
  const otelApi = otel();
  if (!span || !otelApi) return;
  const { response, error } = outcome;
  if (response) {
    span.setAttribute('claude.session_id', response.sessionId);
    span.setAttribute('claude.cost_usd', response.metrics.costUsd);
    span.setAttribute('claude.input_tokens', response.metrics.inputTokens);
    span.setAttribute('claude.output_tokens', response.metrics.outputTokens);
    span.setAttribute('claude.cached', response.cached === true);
    span.setAttribute('claude.retries', response.retries ?? 0);
    if (response.isError)
      span.setStatus({ code: otelApi.SpanStatusCode.ERROR, message: response.errorType ?? 'error' });
  }
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: otelApi.SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }
  span.end();
}
