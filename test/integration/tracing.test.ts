/**
 * OpenTelemetry: spans appear once an SDK registers a tracer provider (here a minimal recording one).
 */
import { trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useFakeClaude } from './helpers.js';

const setup = useFakeClaude();

describe('tracing', () => {
  it('records one span per run with cost, tokens and session id', async () => {
    const spans: Array<{ name: string; attributes: Record<string, unknown>; ended: boolean }> = [];
    const tracer = {
      startSpan(name: string) {
        const record = { name, attributes: {} as Record<string, unknown>, ended: false };
        spans.push(record);
        const span = {
          setAttribute(key: string, value: unknown) {
            record.attributes[key] = value;
            return span;
          },
          setStatus: () => span,
          recordException: () => undefined,
          end: () => {
            record.ended = true;
          },
        };
        return span as unknown as Span;
      },
    } as unknown as Tracer;
    const provider: TracerProvider = { getTracer: () => tracer };
    trace.setGlobalTracerProvider(provider);
    try {
      const { wrapper } = await setup({ default: { kind: 'reply', text: 'traced', costUsd: 0.25 } });
      const response = await wrapper.run('hello', { model: 'sonnet' });
      expect(spans).toHaveLength(1);
      expect(spans[0]).toMatchObject({
        name: 'claude.run',
        ended: true,
        attributes: {
          'claude.model': 'sonnet',
          'claude.cost_usd': 0.25,
          'claude.session_id': response.sessionId,
        },
      });
    } finally {
      trace.disable();
    }
  });
});
