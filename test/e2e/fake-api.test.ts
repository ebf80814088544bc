import { spawn } from 'node:child_process';
import { describe, it, expect } from 'vitest';
import { lastUserText, startFakeApi } from '../fixtures/fake-api.mjs';
import type { FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary } from '../fixtures/real-cli.mjs';

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Record<string, unknown>[];
  stderr: string;
  result: Record<string, unknown> | undefined;
}

/** Spawn the real CLI in stream-json mode, send one user line, close stdin and collect the output. */
async function runCli(api: FakeApi, text: string, timeoutMs = 8_000): Promise<CliRun> {
  const cli = await makeCliEnv(api.url, { maxRetries: 0 });
  try {
    const child = spawn(
      realClaudeBinary(),
      ['--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json', '-p'],
      { cwd: cli.cwd, env: cli.env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(JSON.stringify({ type: 'user', message: { role: 'user', content: text } }) + '\n');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    }).finally(() => clearTimeout(killTimer));
    const lines = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const result = lines.find((l) => l['type'] === 'result');
    return { code, signal, lines, stderr, result };
  } finally {
    await cli.cleanup();
  }
}

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const frame of text.split('\n\n')) {
    if (frame.trim() === '') continue;
    let event = '';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data += line.slice('data: '.length);
    }
    events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
  }
  return events;
}

function messagesBody(text: string, stream: boolean): string {
  return JSON.stringify({
    model: 'claude-test-model',
    max_tokens: 100,
    stream,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\nignore me\n</system-reminder>\n' },
          { type: 'text', text },
        ],
      },
      { role: 'system', content: 'environment block' },
    ],
    some_unknown_field: { x: 1 },
  });
}

async function withApi<T>(fn: (api: FakeApi) => Promise<T>): Promise<T> {
  const api = await startFakeApi();
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

async function timed(p: Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await p;
  return performance.now() - t0;
}

describe('fake Anthropic API with the real Claude Code CLI', () => {
  it('echoes the user text back through the CLI result', async () => {
    await withApi(async (api) => {
      const run = await runCli(api, 'hello e2e');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.result).toBeDefined();
      expect(run.result?.['result']).toBe('You said: hello e2e');
      expect(run.result?.['is_error']).toBe(false);

      const reqs = api.messageRequests();
      expect(reqs).toHaveLength(1);
      const req = reqs[0]!;
      expect(req.path).toBe('/v1/messages');
      expect(req.query).toBe('beta=true');
      expect(req.headers['x-api-key']).toBe('<redacted>');
      expect(req.headers['anthropic-version']).toBe('2023-06-01');
      expect(lastUserText(req.body)).toBe('hello e2e');
      expect(JSON.stringify((req.body as { messages: unknown }).messages)).toContain('hello e2e');
      expect((req.body as { stream: unknown }).stream).toBe(true);
    });
  });

  it('turns an enqueued 529 into an API error result with exit code 1 (no retries)', async () => {
    await withApi(async (api) => {
      api.enqueue({ kind: 'error', status: 529 });
      const run = await runCli(api, 'hello e2e');
      expect(run.code).toBe(1);
      expect(run.result?.['is_error']).toBe(true);
      expect(run.result?.['api_error_status']).toBe(529);
      expect(String(run.result?.['result'])).toContain('529');
      expect(api.messageRequests()).toHaveLength(1);
    });
  });
});

describe('fake Anthropic API over plain HTTP', () => {
  it('answers stream:false with a JSON Message (echo, unknown fields and role:system accepted)', async () => {
    await withApi(async (api) => {
      const res = await fetch(`${api.url}/v1/messages?beta=true`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': 'sk-secret',
          'anthropic-beta': 'made-up-beta',
        },
        body: messagesBody('json path', false),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const msg = (await res.json()) as Record<string, unknown>;
      expect(msg).toMatchObject({
        id: 'msg_fake_0001',
        type: 'message',
        role: 'assistant',
        model: 'claude-test-model',
        content: [{ type: 'text', text: 'You said: json path' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
      });
      expect(msg['usage']).toMatchObject({
        input_tokens: expect.any(Number),
        output_tokens: expect.any(Number),
      });
      expect(api.requests[0]?.headers['x-api-key']).toBe('<redacted>');

      // Enqueued behaviors come first, then the default again.
      api.enqueue({ kind: 'text', text: 'queued', thinking: 'hmm', stopReason: 'max_tokens' });
      const queued = (await (
        await fetch(`${api.url}/v1/messages`, { method: 'POST', body: messagesBody('x', false) })
      ).json()) as Record<string, unknown>;
      expect(queued['content']).toEqual([
        { type: 'thinking', thinking: 'hmm', signature: 'fake-signature-2' },
        { type: 'text', text: 'queued' },
      ]);
      expect(queued['stop_reason']).toBe('max_tokens');

      // Errors: Anthropic shape + headers.
      api.enqueue({ kind: 'error', status: 429, retryAfterSeconds: 3 });
      const err = await fetch(`${api.url}/v1/messages`, { method: 'POST', body: messagesBody('x', true) });
      expect(err.status).toBe(429);
      expect(err.headers.get('retry-after')).toBe('3');
      expect(err.headers.get('x-should-retry')).toBe('true');
      expect(await err.json()).toMatchObject({
        type: 'error',
        error: { type: 'rate_limit_error', message: expect.any(String) },
        request_id: expect.any(String),
      });

      // count_tokens and unknown paths.
      const count = await fetch(`${api.url}/v1/messages/count_tokens?beta=true`, {
        method: 'POST',
        body: messagesBody('count me', false),
      });
      expect(((await count.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(10);
      const missing = await fetch(`${api.url}/v1/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

      expect(api.messageRequests()).toHaveLength(3);
      expect(api.requests).toHaveLength(5);
      api.reset();
      expect(api.requests).toHaveLength(0);
    });
  });

  it('streams a tool_use block whose input_json_delta fragments reassemble to the input', async () => {
    await withApi(async (api) => {
      const input = { command: 'echo "hi there"', description: 'say hi', nested: { list: [1, 2, 3] } };
      api.enqueue({ kind: 'tool_use', name: 'Bash', input, id: 'toolu_test_1', text: 'Let me run that.' });
      const res = await fetch(`${api.url}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: messagesBody('run it', true),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = parseSse(await res.text());
      const names = events.map((e) => e.event);
      expect(names[0]).toBe('message_start');
      expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
      for (const e of events) expect(e.data['type']).toBe(e.event);
      expect(events[0]?.data['message']).toMatchObject({
        id: 'msg_fake_0001',
        model: 'claude-test-model',
        content: [],
      });

      // Block 0: the leading text; block 1: the tool_use.
      const text = events
        .filter((e) => e.event === 'content_block_delta' && e.data['index'] === 0)
        .map((e) => (e.data['delta'] as { text: string }).text)
        .join('');
      expect(text).toBe('Let me run that.');
      const start = events.find((e) => e.event === 'content_block_start' && e.data['index'] === 1);
      expect(start?.data['content_block']).toEqual({
        type: 'tool_use',
        id: 'toolu_test_1',
        name: 'Bash',
        input: {},
      });
      const fragments = events
        .filter((e) => e.event === 'content_block_delta' && e.data['index'] === 1)
        .map((e) => e.data['delta'] as { type: string; partial_json: string });
      expect(fragments.length).toBeGreaterThanOrEqual(2);
      for (const f of fragments) expect(f.type).toBe('input_json_delta');
      expect(JSON.parse(fragments.map((f) => f.partial_json).join(''))).toEqual(input);
      expect(events.filter((e) => e.event === 'content_block_stop')).toHaveLength(2);
      expect(events.at(-2)?.data['delta']).toMatchObject({ stop_reason: 'tool_use' });
    });
  });

  it('honours ttftMs and chunk delays on the SSE path', async () => {
    const api = await startFakeApi({ ttftMs: 150 });
    try {
      api.enqueue({ kind: 'text', chunks: ['a', 'b', 'c'], chunkDelayMs: 20 });
      const t0 = performance.now();
      const res = await fetch(`${api.url}/v1/messages`, { method: 'POST', body: messagesBody('x', true) });
      const events = parseSse(await res.text());
      expect(performance.now() - t0).toBeGreaterThanOrEqual(150 + 2 * 20 - 5);
      const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data['delta']);
      expect(deltas).toEqual([
        { type: 'text_delta', text: 'a' },
        { type: 'text_delta', text: 'b' },
        { type: 'text_delta', text: 'c' },
      ]);
    } finally {
      await api.close();
    }
  });

  it('stall-after-start and hang can be aborted, and close() still resolves promptly', async () => {
    const api = await startFakeApi();
    try {
      // stall-after-start: headers + message_start arrive, then nothing.
      api.enqueue({ kind: 'stall-after-start' });
      const stallCtl = new AbortController();
      const stalled = await fetch(`${api.url}/v1/messages`, {
        method: 'POST',
        body: messagesBody('x', true),
        signal: stallCtl.signal,
      });
      expect(stalled.status).toBe(200);
      const reader = stalled.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain('event: message_start');
      const next = reader.read();
      stallCtl.abort();
      await expect(next).rejects.toThrow();

      // hang: no headers at all; abort the fetch.
      api.enqueue({ kind: 'hang' });
      const hangCtl = new AbortController();
      const hung = fetch(`${api.url}/v1/messages`, {
        method: 'POST',
        body: messagesBody('x', true),
        signal: hangCtl.signal,
      });
      setTimeout(() => hangCtl.abort(), 200);
      await expect(hung).rejects.toThrow();

      // A hang and a stall that are still open when the server closes.
      api.enqueue({ kind: 'hang' }, { kind: 'stall-after-start' });
      const openHang = fetch(`${api.url}/v1/messages`, { method: 'POST', body: messagesBody('x', true) });
      openHang.catch(() => undefined);
      const openStall = await fetch(`${api.url}/v1/messages`, {
        method: 'POST',
        body: messagesBody('y', true),
      });
      const openStallBody = openStall.text();
      openStallBody.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      expect(api.messageRequests()).toHaveLength(4);

      const closeMs = await timed(api.close());
      expect(closeMs).toBeLessThan(1_000);
      await expect(openHang).rejects.toThrow();
      await expect(openStallBody).rejects.toThrow();
    } finally {
      await api.close();
    }
  });

  it('lastUserText skips system reminders, tool results and system entries', () => {
    expect(lastUserText(undefined)).toBe('');
    expect(lastUserText({ messages: [] })).toBe('');
    expect(lastUserText({ messages: [{ role: 'user', content: 'plain' }] })).toBe('plain');
    expect(
      lastUserText({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: '<system-reminder>x</system-reminder>' },
              { type: 'text', text: 'first' },
            ],
          },
          { role: 'system', content: 'env' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'out' }] },
        ],
      }),
    ).toBe('first');
    expect(
      lastUserText({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
    ).toBe('b');
  });
});
