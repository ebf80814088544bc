/**
 * Structured logs: one line per run with the numbers an operator needs, one per HTTP request;
 * prompts and outputs only at debug; secrets never; and the default logger's batched writes still
 * reach the file promptly in a quiet process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/http/server.js';
import { ClaudeCodeWrapper } from '../../src/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually } from './helpers.js';

type Line = Record<string, unknown>;

/** A pino logger at `level` whose lines land in `lines`. */
function capturingLogger(level: string): { logger: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

/** A proxy on a fake CLI replying with `reply`, logging at info into `lines`. */
async function loggedProxy(
  reply: Record<string, unknown>,
  apiKeys: string[] = [],
): Promise<{ url: string; lines: Line[]; close: () => Promise<void> }> {
  fake = await withFakeClaude({ default: { kind: 'reply', ...reply } });
  const { logger, lines } = capturingLogger('info');
  const server = createServer(
    {
      port: 0,
      apiKeys,
      sessionStorePath: ':memory:',
      warmPoolSize: 0,
      wrapper: { claudeBinary: fake.binary, env: fake.env },
    },
    { logger },
  );
  const { url } = await server.listen();
  return { url, lines, close: () => server.close() };
}

/** `POST /v1/messages` with one user turn. */
function postMessage(
  url: string,
  content: string,
  extra: { stream?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...extra.headers },
    ...(extra.signal ? { signal: extra.signal } : {}),
    body: JSON.stringify({
      model: 'claude-sonnet-5-5',
      max_tokens: 10,
      ...(extra.stream ? { stream: true } : {}),
      messages: [{ role: 'user', content }],
    }),
  });
}

let fake: FakeClaude | undefined;
afterEach(async () => {
  await fake?.cleanup();
  fake = undefined;
});

const SECRET_PROMPT = 'my private question about payroll';

describe('logging', () => {
  it('writes one run line with outcome, duration, cost, tokens, session and retries; no prompt at info', async () => {
    fake = await withFakeClaude({ default: { kind: 'reply', text: 'the private answer' } });
    const { logger, lines } = capturingLogger('info');
    const wrapper = new ClaudeCodeWrapper({ claudeBinary: fake.binary, env: fake.env }, { logger });
    const response = await wrapper.run(SECRET_PROMPT);
    await wrapper.close();

    const runs = lines.filter((l) => l['event'] === 'run');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      outcome: 'success',
      sessionId: response.sessionId,
      costUsd: response.metrics.costUsd,
      inputTokens: response.metrics.inputTokens,
      outputTokens: response.metrics.outputTokens,
      retries: 0,
      durationMs: expect.any(Number),
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('payroll');
    expect(text).not.toContain('private answer');
  });

  it('adds the prompt and the output at debug', async () => {
    fake = await withFakeClaude({ default: { kind: 'reply', text: 'the private answer' } });
    const { logger, lines } = capturingLogger('debug');
    const wrapper = new ClaudeCodeWrapper({ claudeBinary: fake.binary, env: fake.env }, { logger });
    await wrapper.run(SECRET_PROMPT);
    await wrapper.close();
    expect(lines.find((l) => l['event'] === 'run_start')).toMatchObject({ prompt: SECRET_PROMPT });
    expect(lines.find((l) => l['event'] === 'run_output')).toMatchObject({ content: 'the private answer' });
  });

  it('logs each proxy request without its key or body', async () => {
    const key = 'sk-proxy-key-that-must-not-leak';
    const { url, lines, close } = await loggedProxy({ text: 'hello' }, [key]);
    try {
      const response = await postMessage(url, SECRET_PROMPT, { headers: { 'x-api-key': key } });
      expect(response.status).toBe(200);
      const requestId = response.headers.get('request-id');
      await response.json();
      // Written once the response has closed, after the answer went out.
      expect(await eventually(() => lines.some((l) => l['event'] === 'http'))).toBe(true);
      expect(lines.find((l) => l['event'] === 'http')).toMatchObject({
        method: 'POST',
        path: '/v1/messages',
        status: 200,
        requestId,
      });
      expect(lines.filter((l) => l['event'] === 'run')).toHaveLength(1);
      const text = JSON.stringify(lines);
      expect(text).not.toContain(key);
      expect(text).not.toContain('payroll');
    } finally {
      await close();
    }
  });

  it('measures a streamed request until its last byte', async () => {
    const { url, lines, close } = await loggedProxy({ chunks: ['one ', 'two ', 'three'], chunkDelayMs: 150 });
    try {
      const response = await postMessage(url, 'count', { stream: true });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('three');
      expect(await eventually(() => lines.some((l) => l['event'] === 'http'))).toBe(true);
      const http = lines.find((l) => l['event'] === 'http')!;
      const run = lines.find((l) => l['event'] === 'run')!;
      expect(http).toMatchObject({ path: '/v1/messages', status: 200 });
      expect(http['aborted']).toBeUndefined();
      // The run ends with its last chunk (150 ms apart), and the request contains the whole run;
      // a line written when the headers went out would be ~300 ms shorter than the run.
      expect(http['durationMs']).toBeGreaterThanOrEqual((run['durationMs'] as number) - 1);
    } finally {
      await close();
    }
  });

  it('marks a request whose client left before the end', async () => {
    const { url, lines, close } = await loggedProxy({ chunks: ['a', 'b', 'c'], chunkDelayMs: 400 });
    try {
      const controller = new AbortController();
      const response = await postMessage(url, 'count', { stream: true, signal: controller.signal });
      await response.body?.getReader().read();
      controller.abort();
      expect(await eventually(() => lines.some((l) => l['event'] === 'http'))).toBe(true);
      expect(lines.find((l) => l['event'] === 'http')).toMatchObject({ status: 200, aborted: true });
    } finally {
      await close();
    }
  });

  it('default logger: redacts secrets and flushes a quiet process on a timer', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ccw-log-')), 'log.jsonl');
    const logger = createLogger('info', file);
    logger.info(
      {
        event: 'probe',
        apiKey: 'sk-top-secret-1',
        headers: { authorization: 'Bearer sk-top-secret-2', 'x-api-key': 'sk-top-secret-3' },
        env: { ANTHROPIC_API_KEY: 'sk-top-secret-4', PATH: '/usr/bin' },
      },
      'probe',
    );
    // One short line stays below the write batch size: only the periodic flush writes it.
    const deadline = Date.now() + 3000; // generous for a loaded machine; without the timer it never comes
    let text = '';
    while (Date.now() < deadline && !text.includes('probe')) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = '';
      }
    }
    const line = JSON.parse(text.trim()) as Line;
    expect(line).toMatchObject({
      event: 'probe',
      apiKey: '[redacted]',
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' },
      env: { ANTHROPIC_API_KEY: '[redacted]', PATH: '/usr/bin' },
    });
    expect(text).not.toContain('sk-top-secret');
  });
});
