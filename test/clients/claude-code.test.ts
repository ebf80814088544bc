/**
 * The real Claude Code CLI as a client of the proxy: `claude -p` (its own throwaway HOME,
 * `ANTHROPIC_BASE_URL` = the proxy) → the proxy → the proxy's own real CLI → the fake Messages API.
 * Each scenario checks what the outer CLI printed and what reached the fake API: text on its default
 * model (which sends a trailing `role: "system"` message) and on Sonnet with `--append-system-prompt`,
 * streaming, its own tools as client tools (it runs `Read` itself, on text and on an image),
 * `--continue` (after a tool round trip too), `--json-schema` (with no proxy-side CLI left waiting),
 * and an invalid model name. A known problem would be pinned as an expected failure (`it.fails`) and
 * listed in `claude-code-row.ts`'s `knownProblems`. The README's conformance matrix shows these tests as the Claude Code row (`claude-code-row.ts`).
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeBehavior, RecordedRequest } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';
import { useRealCliProxy } from '../e2e/real-cli-proxy.js';
import { PNG_BASE64 } from './backend.js';
import { bodyOf, offeredTools, resultText, toolResultsOf } from '../tools/real-cli-helpers.js';

const setup = useRealCliProxy();
/** The outer CLI's environment: its own HOME, pointed at the proxy. */
let outer: CliEnv;

beforeAll(async () => {
  outer = await makeCliEnv(setup.url);
});
afterAll(async () => {
  await outer.cleanup();
});

/** Claude Code's own tools reach the model namespaced (they are the outer CLI's client tools). */
const READ = 'mcp__ccw_client_tools__Read';
const STRUCTURED_OUTPUT = 'mcp__ccw_client_tools__StructuredOutput';
const FILE_TEXT = 'the secret word is marmalade';
const DOCUMENT = { city: 'Lyon', population: 522_000 };

/** What the fake API calls: `Read` on this file (set by the tools test), or nothing. */
let readPath: string | undefined;

/** A user text block with Claude Code's leading `<system-reminder>` sections removed. */
function withoutReminders(text: string): string {
  return text.replace(/^(\s*<system-reminder>[\s\S]*?<\/system-reminder>)+\s*/, '');
}

/**
 * The newest text the user typed: the last non-reminder text of the last user message that has one.
 * (The proxy hands a turn to its CLI as one text, so the outer CLI's reminder block and its prompt
 * arrive joined in one block; the fixture's `lastUserText` would skip that block as a reminder.)
 */
function typedText(request: RecordedRequest): string {
  for (const message of [...bodyOf(request).messages].reverse()) {
    if (message.role !== 'user') continue;
    const blocks =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : (message.content as { type: string; text?: string }[]);
    const texts = blocks
      .filter((b) => b.type === 'text')
      .map((b) => withoutReminders(b.text ?? '').trim())
      .filter((t) => t !== '');
    if (texts.length > 0) return texts.at(-1) ?? '';
  }
  return '';
}

/**
 * The fake model: quotes tool results (`Final: <text>`, or `Final: an image`); calls the outer CLI's `StructuredOutput`
 * when offered, and its `Read` on {@link readPath} when set; otherwise echoes the typed prompt.
 */
function fakeModel(request: RecordedRequest): FakeBehavior {
  const results = toolResultsOf(request);
  if (results.length > 0) {
    const text = resultText(results[0]);
    return { kind: 'text', text: `Final: ${text === '' ? 'an image' : text}` };
  }
  const offered = offeredTools(request);
  if (offered.includes(STRUCTURED_OUTPUT)) {
    return { kind: 'tool_use', name: STRUCTURED_OUTPUT, input: DOCUMENT };
  }
  if (readPath !== undefined && offered.includes(READ)) {
    return { kind: 'tool_use', name: READ, input: { file_path: readPath }, text: 'Reading it.' };
  }
  return { kind: 'text', text: `You said: ${typedText(request)}` };
}

beforeEach(() => {
  readPath = undefined;
  setup.api.setDefault(fakeModel);
});

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the outer CLI in its project directory, stdin closed, killed after `timeoutMs`. */
function claude(args: readonly string[], timeoutMs = 25_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(realClaudeBinary(), args, {
      cwd: outer.cwd,
      env: outer.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `--output-format json` result of a run (fails with the run's output when it is not one). */
function resultOf(run: CliRun): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`not a JSON result (exit ${String(run.code)}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** What the tools test measured, for the usage check after it. */
let toolRun: { reported: number; upstream: number[] } | undefined;

/** The fake API's input token count for a request (its estimate: JSON of messages + system / 4). */
function fakeInputTokens(request: RecordedRequest): number {
  const body = request.body as { messages?: unknown; system?: unknown };
  return Math.max(
    1,
    Math.ceil(JSON.stringify({ messages: body.messages ?? [], system: body.system ?? '' }).length / 4),
  );
}

/** The `usage` of a `--output-format json` result. */
function usageOf(result: Record<string, unknown>): { input_tokens: number; output_tokens: number } {
  return result['usage'] as { input_tokens: number; output_tokens: number };
}

/**
 * How many CLI processes the proxy keeps idle on purpose (`/health/details`): for their
 * conversation's next turn, free for the next new conversation, and warm pool spares.
 */
async function keptProcesses(): Promise<number> {
  const details = (await (await fetch(`${setup.url}/health/details`)).json()) as {
    conversationProcesses: { kept: number; free: number } | null;
    warmPool: { idle: number; starting: number } | null;
  };
  const { conversationProcesses: kept, warmPool: pool } = details;
  return (kept?.kept ?? 0) + (kept?.free ?? 0) + (pool?.idle ?? 0) + (pool?.starting ?? 0);
}

/**
 * Live processes of the proxy's CLI (those with its HOME) beyond the ones it keeps idle on purpose
 * (`keptProcesses`), after up to 2 s for exiting ones to go. Linux only (`/proc`), like the rest of
 * the real-CLI suites.
 */
async function innerCliProcesses(): Promise<string[]> {
  const marker = `HOME=${setup.cli.home}\0`;
  for (let waited = 0; ; waited += 100) {
    const live: string[] = [];
    for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
      if (`\0${environ}`.includes(`\0${marker}`)) live.push(pid);
    }
    const extra = live.slice(await keptProcesses());
    if (extra.length === 0 || waited >= 2_000) return extra;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The model requests that reached the fake API. */
function upstream(): RecordedRequest[] {
  return setup.api.messageRequests();
}

function systemText(request: RecordedRequest | undefined): string {
  const system = (request?.body as { system?: string | { text: string }[] } | undefined)?.system;
  return typeof system === 'string' ? system : (system ?? []).map((b) => b.text).join('\n');
}

// Two CLIs per request, and up to two requests per test: more than the default 30 s under load.
describe('Claude Code CLI as a client of the proxy', { timeout: 60_000 }, () => {
  it('answers a prompt on its default model (trailing system message)', async () => {
    const run = await claude(['-p', 'hello through two CLIs', '--output-format', 'json']);
    expect(resultOf(run)).toMatchObject({ is_error: false, result: 'You said: hello through two CLIs' });
    const [request, ...more] = upstream();
    expect(more).toEqual([]);
    expect(request?.body).toMatchObject({ model: 'claude-opus-5-5' });
    expect(typedText(request as RecordedRequest)).toBe('hello through two CLIs');
    // The outer CLI's trailing system message (its environment) reached the model too.
    expect(systemText(request)).toContain(`Primary working directory: ${outer.cwd}`);
  });

  it('answers a prompt on claude-sonnet-5-5 with its --append-system-prompt', async () => {
    const run = await claude([
      '-p',
      'hello sonnet',
      '--model',
      'claude-sonnet-5-5',
      '--append-system-prompt',
      'You are a conformance parrot.',
      '--output-format',
      'json',
    ]);
    expect(resultOf(run)).toMatchObject({ is_error: false, result: 'You said: hello sonnet' });
    expect(upstream().at(-1)?.body).toMatchObject({ model: 'claude-sonnet-5-5' });
    expect(systemText(upstream().at(-1))).toContain('You are a conformance parrot.');
    // The proxy's CLI is gone once the answer is out, or kept idle for the conversation's next turn.
    expect(await innerCliProcesses()).toEqual([]);
  });

  it('streams text deltas', async () => {
    const run = await claude([
      '-p',
      'stream these words please',
      '--model',
      'claude-sonnet-5-5',
      '--output-format',
      'stream-json',
      '--verbose',
      '--include-partial-messages',
    ]);
    const lines = run.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const deltas = lines.flatMap((l) => {
      const event = l['type'] === 'stream_event' ? (l['event'] as Record<string, unknown>) : undefined;
      const delta =
        event?.['type'] === 'content_block_delta' ? (event['delta'] as Record<string, unknown>) : undefined;
      return delta?.['type'] === 'text_delta' ? [String(delta['text'])] : [];
    });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('You said: stream these words please');
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      is_error: false,
      result: 'You said: stream these words please',
    });
    expect(upstream().at(-1)?.body).toMatchObject({ stream: true });
  });

  it('runs its own Read tool on a call that came through the proxy', async () => {
    readPath = path.join(outer.cwd, 'notes.txt');
    await writeFile(readPath, `${FILE_TEXT}\n`);
    const run = await claude([
      '-p',
      'what does notes.txt say?',
      '--output-format',
      'json',
      '--allowedTools',
      'Read',
    ]);
    const result = resultOf(run);
    expect(result).toMatchObject({ is_error: false, num_turns: 2 });
    expect(String(result['result'])).toMatch(/^Final: .*the secret word is marmalade/s);
    const [first, second, ...more] = upstream();
    expect(more).toEqual([]);
    expect(offeredTools(first)).toContain(READ);
    // The file was read by the outer CLI (the inner one has no access to its cwd): its result came back.
    expect(resultText(toolResultsOf(second)[0])).toContain(FILE_TEXT);
    // The inner run was continued with the result, not replayed: the call is the model's own.
    expect(bodyOf(second).messages.at(-2)?.content).toEqual([
      { type: 'text', text: 'Reading it.' },
      expect.objectContaining({ type: 'tool_use', name: READ, input: { file_path: readPath } }),
    ]);
    toolRun = { reported: usageOf(result).input_tokens, upstream: upstream().map(fakeInputTokens) };
  });

  it('continues after that tool round trip with --continue', async () => {
    const run = await claude(['-p', '--continue', 'and then?', '--output-format', 'json']);
    expect(resultOf(run)).toMatchObject({ is_error: false, result: 'You said: and then?' });
    const [request, ...more] = upstream();
    expect(more).toEqual([]);
    // The run that answered after the tool result is resumed: the API sees the call, its result,
    // the answer and the new turn as the separate messages they were.
    const messages = bodyOf(request).messages.filter((m) => m.role !== 'system');
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages[1]?.content).toContainEqual(expect.objectContaining({ type: 'tool_use', name: READ }));
    expect(messages[2]?.content).toContainEqual(expect.objectContaining({ type: 'tool_result' }));
    expect(JSON.stringify(messages[2]?.content)).toContain(FILE_TEXT);
    expect(messages[3]?.content).toEqual([
      expect.objectContaining({ type: 'text', text: expect.stringMatching(/^Final: /) }),
    ]);
    expect(typedText(request as RecordedRequest)).toBe('and then?');
  });

  it('runs Read on an image and the picture reaches the model', async () => {
    readPath = path.join(outer.cwd, 'dot.png');
    await writeFile(readPath, Buffer.from(PNG_BASE64, 'base64'));
    const run = await claude([
      '-p',
      'what is in dot.png?',
      '--output-format',
      'json',
      '--allowedTools',
      'Read',
    ]);
    const result = resultOf(run);
    expect(result).toMatchObject({ is_error: false, num_turns: 2 });
    expect(result['result']).toBe('Final: an image');
    // The outer CLI read the file and sent it as an image result; the model got the same bytes.
    expect(toolResultsOf(upstream()[1])[0]?.['content']).toContainEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 },
    });
  });

  // The answer that continues a run after client tool results reports its own API calls only (the
  // CLI's result covers the whole run): Claude Code adds up its responses, so the piece before the
  // tool call must not be counted again.
  it('counts each upstream request’s input tokens once across a tool round trip', () => {
    expect(toolRun).toBeDefined();
    const sum = (toolRun?.upstream ?? []).reduce((a, b) => a + b, 0);
    expect(toolRun?.reported).toBe(sum);
  });

  it('continues its last conversation with --continue', async () => {
    const first = await claude(['-p', 'first turn here', '--output-format', 'json']);
    expect(resultOf(first)).toMatchObject({ is_error: false, result: 'You said: first turn here' });
    const run = await claude(['-p', '--continue', 'next', '--output-format', 'json']);
    expect(resultOf(run)).toMatchObject({ is_error: false, result: 'You said: next' });
    const request = upstream().at(-1);
    const messages = bodyOf(request).messages;
    expect(messages.filter((m) => m.role !== 'system').map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    expect(JSON.stringify(messages[0]?.content)).toContain('first turn here');
    expect(JSON.stringify(messages.find((m) => m.role === 'assistant')?.content)).toContain(
      'You said: first turn here',
    );
    expect(typedText(request as RecordedRequest)).toBe('next');
    // No empty system message invented between the turns.
    expect(messages.filter((m) => m.role === 'system' && JSON.stringify(m.content) === '[]')).toEqual([]);
  });

  it('returns structured output with --json-schema', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, population: { type: 'number' } },
      required: ['city', 'population'],
    };
    const run = await claude([
      '-p',
      'biggest city near the Alps?',
      '--output-format',
      'json',
      '--json-schema',
      JSON.stringify(schema),
    ]);
    const result = resultOf(run);
    expect(result).toMatchObject({ is_error: false, structured_output: DOCUMENT });
    // The outer CLI's StructuredOutput is a client tool for the proxy; its run ends at the call.
    const [request, ...more] = upstream();
    expect(more).toEqual([]);
    expect(offeredTools(request)).toContain(STRUCTURED_OUTPUT);
    expect(request?.body).not.toHaveProperty('output_config.format');
  });

  // Claude Code ends its run at the `StructuredOutput` call and never sends that call's tool_result:
  // the proxy stops its run at once instead of keeping a CLI waiting until `toolResultTimeoutMs`.
  it('leaves no proxy-side CLI waiting after a --json-schema answer', async () => {
    expect(await innerCliProcesses()).toEqual([]);
  });

  it('reports the proxy’s 400 for an invalid model name', async () => {
    // Claude Code sends any --model name as it is (it only logs `unrecognized_model`); the proxy
    // refuses it before a CLI is started.
    const run = await claude(['-p', 'hi', '--model', 'claude opus!', '--output-format', 'json']);
    expect(resultOf(run)).toMatchObject({
      is_error: true,
      api_error_status: 400,
      result: expect.stringMatching(/^API Error: 400 model: must be a model alias or id/),
    });
    expect(run.code).not.toBe(0);
    expect(upstream()).toEqual([]);
  });
});
