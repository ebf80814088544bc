/**
 * The wire contract, stated once: every API the proxy serves (test/wire/apis.ts) gets the same
 * scenarios, through its official client, against the real server and the fake `claude`.
 * What the CLI received (prompt, system prompt, image, tool definitions, resume flags) is read from
 * the fake's records, so each scenario checks both ends of the wire.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  argValue,
  cliRuns,
  eventually,
  initializeRequest,
  isRunning,
  listedClientTools,
  startHarnessWithHome,
  userContent,
  userText,
  userTurns,
  type FakeClaudeScenario,
  type HomeHarness,
} from '../support/index.js';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { wireApis, type ToolSpec, type Turn, type WireApi } from './apis.js';

let harness: HomeHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(scenario: FakeClaudeScenario, options: ServerOptionsInput = {}) {
  harness = await startHarnessWithHome(scenario, options);
  return harness;
}

/** A 1×1 PNG. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const CITY_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
};
const weather: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: CITY_SCHEMA,
};
/** One client tool call; the API message that calls it and the one that answers use different tokens. */
const oneToolCall: FakeClaudeScenario = {
  default: {
    kind: 'reply',
    clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
    toolRoundUsage: { input_tokens: 40, output_tokens: 9 },
    usage: { input_tokens: 60, output_tokens: 5 },
  },
};

describe.each(wireApis)('$name', (api: WireApi) => {
  it('answers a plain text request', async () => {
    const h = await start({
      default: { kind: 'reply', text: 'Hi from Claude', usage: { input_tokens: 20, output_tokens: 4 } },
    });
    const answer = await api.createClient(h.url).ask('hello proxy');
    expect(answer).toMatchObject({
      text: 'Hi from Claude',
      stop: 'end',
      toolCalls: [],
      usage: { input: 20, output: 4 },
      context: 'new',
      model: 'claude-sonnet-5-5',
    });
    const runs = cliRuns(h.fake);
    expect(runs).toHaveLength(1);
    expect(userTurns(runs[0])).toHaveLength(1);
    expect(userText(runs[0])).toBe('hello proxy');
  });

  it('streams text deltas in order, adding up to the final text', async () => {
    const h = await start({ default: { kind: 'reply', chunks: ['Hel', 'lo', ' there', '!'] } });
    const streamed = await api.createClient(h.url).stream('hello proxy');
    expect(streamed.deltas).toEqual(['Hel', 'lo', ' there', '!']);
    expect(streamed.text).toBe('Hello there!');
    expect(streamed.stop).toBe('end');
    expect(streamed.toolCalls).toEqual([]);
    expect(streamed.context).toBe('new');
    expect(streamed.usage?.output).toBeGreaterThan(0);
  });

  it('gives the system prompt to the CLI in the initialize request, not on argv', async () => {
    const h = await start({ default: { kind: 'reply', text: 'ok' } });
    const answer = await api.createClient(h.url).ask('hello', { system: 'Be brief.' });
    expect(answer.text).toBe('ok');
    const run = cliRuns(h.fake)[0];
    expect(initializeRequest(run)?.['systemPrompt']).toBe('Be brief.');
    expect(run?.argv.join(' ')).not.toContain('Be brief.');
    // The system prompt is not part of the user turn either.
    expect(userText(run)).toBe('hello');
  });

  it('continues a conversation it answered: resumes the session and sends only the new turn', async () => {
    const h = await start({});
    const client = api.createClient(h.url);
    const first = await client.ask('first question');
    expect(first.context).toBe('new');
    expect(first.sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const history: Turn[] = [
      { role: 'user', text: 'first question' },
      { role: 'assistant', text: first.text },
      { role: 'user', text: 'follow-up' },
    ];
    const second = await client.ask({ turns: history });
    expect(second.context).toBe('resumed');
    const runs = cliRuns(h.fake);
    expect(argValue(runs[1], '--resume')).toBe(first.sessionId);
    expect(runs[1]?.argv).toContain('--fork-session');
    expect(userTurns(runs[1])).toHaveLength(1);
    expect(userText(runs[1])).toBe('follow-up');

    // The third turn, streamed, continues from the second.
    const third = await client.stream({
      turns: [...history, { role: 'assistant', text: second.text }, { role: 'user', text: 'third' }],
    });
    expect(third.context).toBe('resumed');
    const runs3 = cliRuns(h.fake);
    expect(runs3).toHaveLength(3);
    expect(argValue(runs3[2], '--resume')).toBe(second.sessionId);
    expect(userTurns(runs3[2])).toHaveLength(1);
    expect(userText(runs3[2])).toBe('third');
  });

  it('gives a history it never saw to the CLI as a synthesized session, then resumes from there', async () => {
    const h = await start({});
    const client = api.createClient(h.url);
    const turns: Turn[] = [
      { role: 'user', text: 'What is 2+2?' },
      { role: 'assistant', text: '4' },
      { role: 'user', text: 'And times 3?' },
    ];
    const answer = await client.ask({ turns, system: 'You are terse.' });
    expect(answer.context).toBe('synthesized');
    const run = cliRuns(h.fake)[0];
    // Only the new turn goes on stdin; the history is in the transcript the CLI resumes (and forks).
    expect(userTurns(run)).toHaveLength(1);
    expect(userText(run)).toBe('And times 3?');
    expect(run?.argv).toContain('--fork-session');
    const transcript = readFileSync(
      join(
        h.home,
        '.claude',
        'projects',
        '-claude-code-wrapper-synthetic',
        `${argValue(run, '--resume')}.jsonl`,
      ),
      'utf8',
    );
    const lines = transcript
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: { content: { type: string; text?: string }[] } })
      // The system turn that carries the CLI's effort declaration (HISTORY_NOTE), not history.
      .filter((l) => l.type !== 'attachment');
    expect(lines.map((l) => [l.type, (l.message?.content ?? []).map((b) => b.text).join('')])).toEqual([
      ['user', 'What is 2+2?'],
      ['assistant', '4'],
    ]);
    expect(initializeRequest(run)?.['systemPrompt']).toBe('You are terse.');

    const next = await client.ask({
      turns: [...turns, { role: 'assistant', text: answer.text }, { role: 'user', text: 'ok' }],
      system: 'You are terse.',
    });
    expect(next.context).toBe('resumed');
    expect(userText(cliRuns(h.fake)[1])).toBe('ok');
  });

  it('passes an inline image to the CLI as a base64 image block', async () => {
    const h = await start({});
    const answer = await api.createClient(h.url).ask({
      turns: [
        { role: 'user', text: 'What is in this picture?', image: { mediaType: 'image/png', data: PNG } },
      ],
    });
    const run = cliRuns(h.fake)[0];
    expect(userContent(run)).toEqual([
      expect.objectContaining({
        type: 'image',
        source: { type: 'base64', media_type: 'image/png', data: PNG },
      }),
      expect.objectContaining({ type: 'text', text: 'What is in this picture?' }),
    ]);
    // The fake's default answer describes the prompt it got.
    expect(answer.text).toContain(`[image image/png ${PNG.length}]What is in this picture?`);
  });

  for (const mode of ['ask', 'stream'] as const) {
    it(`runs a client tool round trip (${mode}): tool call → tool result → final answer`, async () => {
      const h = await start(oneToolCall);
      const client = api.createClient(h.url);
      const send = mode === 'ask' ? client.ask.bind(client) : client.stream.bind(client);
      const question: Turn = { role: 'user', text: 'Weather in Oslo?' };

      const first = await send({ turns: [question], tools: [weather] });
      expect(first.stop).toBe('tool_use');
      expect(first.context).toBe('new');
      expect(first.toolCalls).toEqual([
        { id: expect.stringMatching(/\S/), name: 'get_weather', input: { city: 'Oslo' } },
      ]);
      // The tool definition reached the CLI (through the client tool MCP server).
      const run = cliRuns(h.fake)[0];
      expect(listedClientTools(run)).toEqual([
        expect.objectContaining({ name: 'get_weather', inputSchema: expect.objectContaining(CITY_SCHEMA) }),
      ]);

      const call = first.toolCalls[0];
      const second = await send({
        turns: [
          question,
          { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
          { role: 'tool', results: [{ callId: call?.id ?? '', content: 'Oslo: mild' }] },
        ],
        tools: [weather],
      });
      expect(second.stop).toBe('end');
      expect(second.toolCalls).toEqual([]);
      expect(second.text).toBe('client tool results: Oslo: mild');
      expect(second.context).toBe('continued');
      // Each answer reports its own API message only (the CLI's result covers the whole run, 100/14):
      // a client adding up its responses counts every upstream token once.
      expect(first.usage).toEqual({ input: 40, output: 9 });
      expect(second.usage).toEqual({ input: 60, output: 5 });
      // The suspended run got the result: no second CLI process.
      expect(cliRuns(h.fake)).toHaveLength(1);
    });
  }

  for (const stream of [false, true]) {
    it(`refuses an invalid request with 400 and the client's BadRequestError${stream ? ' (stream)' : ''}`, async () => {
      const h = await start({});
      const error = await api.createClient(h.url).sendInvalid({ stream });
      expect(api.describeError(error)).toMatchObject({
        kind: 'bad_request',
        status: 400,
        type: api.invalidRequestType,
      });
      expect(cliRuns(h.fake)).toHaveLength(0);
    });
  }

  it('reports an overloaded upstream (CLI api error 529) as overloaded', async () => {
    const h = await start({ default: { kind: 'api_error', status: 529 } });
    const client = api.createClient(h.url);
    const error = await client.ask('hello').catch((e: unknown) => e);
    expect(api.describeError(error)).toMatchObject({
      kind: 'server_error',
      status: api.overloaded.status,
      type: api.overloaded.type,
    });
    const streamed = await client.stream('hello').catch((e: unknown) => e);
    expect(api.describeError(streamed)).toMatchObject({
      kind: 'server_error',
      status: api.overloaded.status,
      type: api.overloaded.type,
    });
  });

  it('answers overloaded with retry-after when every slot and the queue are taken', async () => {
    const h = await start(
      { default: { kind: 'hang' } },
      // A short drain: closing the server ends the hanging run.
      { maxConcurrent: 1, maxQueue: 0, drainTimeoutMs: 200 },
    );
    const client = api.createClient(h.url);
    const hanging = client.ask('take the only slot').catch((e: unknown) => e);
    const fake = h.fake;
    expect(await eventually(() => cliRuns(fake).length === 1)).toBe(true);
    for (const send of [() => client.ask('one more'), () => client.stream('one more')]) {
      const error = await send().catch((e: unknown) => e);
      expect(api.describeError(error)).toMatchObject({
        kind: 'server_error',
        status: api.overloaded.status,
        type: api.overloaded.type,
        retryAfter: '2',
      });
    }
    expect(cliRuns(fake)).toHaveLength(1);
    await h.close();
    harness = undefined;
    await hanging;
  });

  it('kills the CLI within a second when the client disconnects mid-stream', async () => {
    const h = await start({
      default: { kind: 'reply', chunks: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 400 },
    });
    const controller = new AbortController();
    let pid = -1;
    let runningAtAbort = false;
    let abortedAt = 0;
    const outcome = await api
      .createClient(h.url)
      .stream('count slowly', {
        signal: controller.signal,
        onDelta: () => {
          if (abortedAt !== 0) return;
          pid = cliRuns(h.fake)[0]?.pid ?? -1;
          runningAtAbort = isRunning(pid);
          abortedAt = Date.now();
          controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(api.describeError(outcome).kind).toBe('aborted');
    expect(runningAtAbort).toBe(true);
    expect(await eventually(() => !isRunning(pid), 2000)).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });
});
