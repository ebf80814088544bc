/**
 * The real-client conformance suite: every row of `rows.ts` (a pinned, unmodified client library
 * behind a {@link ConformanceClient} adapter) against one proxy running the real Claude Code CLI
 * over the fake Messages API. Each scenario checks what the client got and what reached the fake
 * API (`api.messageRequests()`).
 */
import { describe, expect, it } from 'vitest';
import { lastUserText, type RecordedRequest } from '../fixtures/fake-api.mjs';
import { allToolResults, bodyOf, offeredTools, resultText } from '../tools/real-cli-helpers.js';
import {
  CITY_DOC,
  CITY_DOC_SCHEMA,
  PNG_BASE64,
  WEATHER_CALL,
  WEATHER_TOOL,
  documentTools,
  useConformanceBackend,
} from './backend.js';
import type { ConformanceClient, ConformanceRow } from './client.js';
import { conformanceRows, knownClientFailures, type Scenario } from './rows.js';

const backend = useConformanceBackend();

/** Text of a message's content (a string or blocks). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as { type?: string; text?: string }[])
    .map((b) => (b.type === 'text' ? (b.text ?? '') : ''))
    .join('\n');
}

/** The first message request with `prompt` in its last user message (throws when none reached the API). */
function requestFor(prompt: string): RecordedRequest {
  const found = backend.api.messageRequests().find((r) =>
    textOf(
      bodyOf(r)
        .messages.filter((m) => m.role === 'user')
        .at(-1)?.content,
    ).includes(prompt),
  );
  if (found === undefined) throw new Error(`no API request carried "${prompt}"`);
  return found;
}

/** Usage, where the client exposes it, is real token counts. */
function expectUsage(usage: { input: number | undefined; output: number | undefined } | undefined): void {
  if (usage?.input !== undefined) expect(usage.input).toBeGreaterThan(0);
  if (usage?.output !== undefined) expect(usage.output).toBeGreaterThan(0);
}

const WEATHER_RESULT = 'Sunny, 21 degrees in Oslo';

describe.each(conformanceRows.map((row) => [row.name, row] as const))('%s', (_name, row: ConformanceRow) => {
  const client = (): ConformanceClient => row.createClient(backend.url);
  /** One cell: a test, or `it.fails` where the row's client is known to fail it with any server. */
  const cell = (scenario: Scenario, title: string, body: () => Promise<void>): void => {
    if (knownClientFailures[row.name]?.[scenario] === undefined) it(title, body);
    else it.fails(`${title} (known client failure, see rows.ts)`, body);
  };

  cell('text', 'text: answer, usage, the prompt at the API', async () => {
    const answer = await client().ask('Hello conformance');
    expect(answer.text).toBe('You said: Hello conformance');
    expectUsage(answer.usage);
    expect(lastUserText(requestFor('Hello conformance').body)).toBe('Hello conformance');
  });

  cell('streaming', 'streaming: deltas add up to the text', async () => {
    const answer = await client().stream('Stream this please');
    expect(answer.deltas.length).toBeGreaterThanOrEqual(1);
    expect(answer.deltas.join('')).toBe(answer.text);
    expect(answer.text).toBe('You said: Stream this please');
    expectUsage(answer.usage);
    requestFor('Stream this please');
  });

  cell('system', 'system prompt reaches the API', async () => {
    const answer = await client().ask('Who are you?', { system: 'You are a conformance parrot.' });
    expect(answer.text).toBe('You said: Who are you?');
    expect(JSON.stringify(bodyOf(requestFor('Who are you?')).messages)).not.toContain('conformance parrot');
    const system = (requestFor('Who are you?').body as { system?: unknown }).system;
    expect(typeof system === 'string' ? system : textOf(system)).toContain('You are a conformance parrot.');
  });

  cell('multi-turn', 'multi-turn: separate user and assistant turns, answer to the last', async () => {
    const answer = await client().converse(
      [
        { role: 'user', text: 'My name is Ada.' },
        { role: 'assistant', text: 'Hello Ada.' },
      ],
      'What is my name?',
    );
    expect(answer.text).toBe('You said: What is my name?');
    const turns = bodyOf(requestFor('What is my name?'))
      .messages.filter((m) => m.role === 'user' || m.role === 'assistant')
      .map((m) => ({ role: m.role, text: textOf(m.content) }));
    const first = turns.findIndex((t) => t.role === 'user' && t.text.includes('My name is Ada.'));
    const second = turns.findIndex(
      (t, i) => i > first && t.role === 'assistant' && t.text.includes('Hello Ada.'),
    );
    const third = turns.findIndex(
      (t, i) => i > second && t.role === 'user' && t.text.includes('What is my name?'),
    );
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThan(first);
    expect(third).toBeGreaterThan(second);
  });

  cell('image', 'image: the PNG reaches the API as an image block', async () => {
    const answer = await client().askWithImage('Describe this image', PNG_BASE64);
    // The CLI adds its own `[Image: source: <file>]` text after the image, which the echo repeats.
    expect(answer.text).toMatch(/^You said: /);
    const blocks = bodyOf(requestFor('Describe this image')).messages.flatMap((m) =>
      Array.isArray(m.content) ? (m.content as Record<string, unknown>[]) : [],
    );
    expect(blocks).toContainEqual(
      expect.objectContaining({
        type: 'image',
        source: expect.objectContaining({ type: 'base64', data: PNG_BASE64 }) as unknown,
      }),
    );
  });

  const toolRoundTrip = (stream: boolean) => async () => {
    const inputs: unknown[] = [];
    const trip = await client().toolRoundTrip(
      'What is the weather in Oslo?',
      WEATHER_TOOL,
      (input) => {
        inputs.push(input);
        return WEATHER_RESULT;
      },
      { stream },
    );
    expect(trip.calls).toEqual([WEATHER_CALL]);
    expect(inputs).toEqual([WEATHER_CALL.input]);
    expect(trip.finalText).toContain(WEATHER_RESULT);
    const requests = backend.api.messageRequests();
    expect(offeredTools(requests[0])).toContain(WEATHER_TOOL.name);
    expect(requests.flatMap((r) => allToolResults(r)).map((r) => resultText(r))).toContain(WEATHER_RESULT);
  };
  cell('tools', 'tool round trip', toolRoundTrip(false));
  cell('tools streamed', 'tool round trip, streamed', toolRoundTrip(true));

  const structured = (stream: boolean) => async () => {
    const parsed = await client().structured('Name a big city.', CITY_DOC_SCHEMA, { stream });
    expect(parsed).toEqual(CITY_DOC);
    // The schema reached the API: as the CLI's StructuredOutput tool, or a client's own tool for it.
    expect(documentTools(requestFor('Name a big city.'))).not.toEqual([]);
  };
  cell('structured', 'structured output', structured(false));
  cell('structured streamed', 'structured output, streamed', structured(true));

  cell(
    'bad request',
    `bad request: the client's ${row.badRequestError} for a 400 naming the field`,
    async () => {
      const failure = await client().badRequest();
      expect(failure).toMatchObject({ status: 400, errorType: row.badRequestError });
      // Anthropic's shape says `model: must be ...`, OpenAI's `Invalid value for 'model': must be ...`.
      expect(failure.message).toMatch(/\bmodel'?: must be a model alias or id/);
      expect(backend.api.messageRequests()).toEqual([]);
    },
  );
});
