import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunAccumulator } from './accumulator.js';
import { parseCliLine, type CliMessage } from './cli-message.js';
import type { ClaudeEvent } from './events.js';

const protocolDir = new URL('../../test/fixtures/protocol/', import.meta.url);

function linesOf(file: string): CliMessage[] {
  return readFileSync(new URL(file, protocolDir), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const parsed = parseCliLine(line);
      if (!parsed.success) throw new Error(parsed.error);
      return parsed.message;
    });
}

function fold(messages: CliMessage[]): { events: ClaudeEvent[]; acc: RunAccumulator } {
  const acc = new RunAccumulator(performance.now());
  const events = messages.flatMap((m) => acc.push(m));
  return { events, acc };
}

describe('RunAccumulator on real CLI output', () => {
  it('folds a partial-messages stream into deltas and a response', () => {
    const { events, acc } = fold(linesOf('stream_json_partial.txt'));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('session_start');
    const text = events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
    expect(text.length).toBeGreaterThan(0);
    const response = acc.response;
    expect(response).toBeDefined();
    expect(response?.content).toBe(text);
    expect(response?.isError).toBe(false);
    expect(response?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response?.model).toBe('claude-opus-5-5');
    expect(response?.metrics.inputTokens).toBe(12);
    expect(response?.messages.length).toBe(events.length > 0 ? acc.messages.length : 0);
    expect(types.at(-1)).toBe('result');
  });

  it('reports tool use and tool results from a tool round trip', () => {
    const { events } = fold(linesOf('stream_json_partial_tooluse.txt'));
    const toolUse = events.find((e) => e.type === 'tool_use');
    const toolResult = events.find((e) => e.type === 'tool_result');
    expect(toolUse?.type === 'tool_use' && toolUse.name).toBe('Bash');
    expect(toolResult?.type === 'tool_result' && toolResult.toolUseId).toBe(
      toolUse?.type === 'tool_use' ? toolUse.id : 'missing',
    );
    expect(events.some((e) => e.type === 'tool_input_delta')).toBe(true);
  });

  it('takes per-turn cost from model_usage_since_last_result in a multi-turn process', () => {
    const messages = linesOf('stream_input.txt');
    const results = messages.filter((m) => m.type === 'result');
    expect(results.length).toBeGreaterThan(1);
    const second = fold([results[1] as CliMessage]).acc.response;
    expect(second?.metrics.costUsd).toBeCloseTo(0.000208, 9);
    expect(second?.metrics.sessionCostUsd).toBeCloseTo(0.000416, 9);
  });

  it('classifies an API error result (is_error with subtype success) as overloaded', () => {
    const raw = JSON.parse(readFileSync(new URL('e529_r2.json', protocolDir), 'utf8')) as { stdout: string };
    const messages = raw.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as CliMessage);
    const { events, acc } = fold(messages);
    expect(events.filter((e) => e.type === 'api_retry')).toHaveLength(2);
    expect(events.some((e) => e.type === 'assistant_message' && e.isApiError)).toBe(true);
    expect(acc.response?.isError).toBe(true);
    expect(acc.response?.errorType).toBe('overloaded_error');
    expect(acc.response?.apiErrorStatus).toBe(529);
    expect(acc.response?.errorSubtype).toBe('api_error');
    expect(acc.response?.content).toContain('529');
  });

  it('classifies max turns and budget results', () => {
    for (const [file, type] of [
      ['maxturns1.json', 'max_turns'],
      ['maxbudget.json', 'max_budget'],
    ] as const) {
      const raw = JSON.parse(readFileSync(new URL(file, protocolDir), 'utf8')) as { stdout: string };
      const result = JSON.parse(raw.stdout.trim()) as CliMessage;
      const response = fold([result]).acc.response;
      expect(response?.isError).toBe(true);
      expect(response?.errorType).toBe(type);
      expect(response?.content).toMatch(/Reached maximum/);
    }
  });

  it('extracts structured output', () => {
    const raw = JSON.parse(readFileSync(new URL('jsonschema_structured.json', protocolDir), 'utf8')) as {
      stdout: string;
    };
    const response = fold([JSON.parse(raw.stdout.trim()) as CliMessage]).acc.response;
    expect(response?.structuredOutput).toEqual(expect.objectContaining({ name: expect.any(String) }));
  });

  it('passes unknown message types through as unknown events', () => {
    const { events } = fold([{ type: 'mystery_future_type', payload: 1 }]);
    expect(events).toEqual([{ type: 'unknown', message: { type: 'mystery_future_type', payload: 1 } }]);
  });
});

describe('parseCliLine', () => {
  it('never throws on garbage', () => {
    for (const line of ['not json', '[1,2]', '{"no_type":1}', 'null', '{"type":5}']) {
      expect(parseCliLine(line).success).toBe(false);
    }
    expect(parseCliLine('{"type":"x"}').success).toBe(true);
  });
});
