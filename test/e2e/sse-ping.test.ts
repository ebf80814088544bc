/**
 * Keep-alive on streams: a stream that is silent for `ssePingIntervalMs` gets `event: ping` on the
 * Messages API and an SSE comment on OpenAI streams, including before the first event (an upstream
 * that stalls after `message_start`); the official SDKs still parse such streams.
 * Official clients → proxy → real Claude Code CLI → fake Messages API.
 */
import { describe, expect, it } from 'vitest';
import { streamedChatText, useRealCliProxy } from './real-cli-proxy.js';

const PING_MS = 300;

const proxy = useRealCliProxy({ warmPoolSize: 0, ssePingIntervalMs: PING_MS });

/** Read a stream's raw text with the time each chunk arrived, until `enough` says stop. */
async function readRaw(
  path: string,
  body: Record<string, unknown>,
  enough: (text: string) => boolean,
): Promise<{ text: string; status: number; headers: Headers; arrivals: { at: number; text: string }[] }> {
  const controller = new AbortController();
  const response = await fetch(`${proxy.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const arrivals: { at: number; text: string }[] = [];
  let text = '';
  const deadline = Date.now() + 20_000;
  while (!enough(text) && Date.now() < deadline) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = decoder.decode(value, { stream: true });
    arrivals.push({ at: Date.now(), text: chunk });
    text += chunk;
  }
  controller.abort();
  return { text, status: response.status, headers: response.headers, arrivals };
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('SSE keep-alive', () => {
  it('pings a Messages stream whose upstream stalls after message_start, at the configured interval', async () => {
    proxy.api.setDefault({ kind: 'stall-after-start' });
    const body = {
      model: 'claude-sonnet-5-5',
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const { text, status, arrivals } = await readRaw(
      '/v1/messages',
      body,
      (t) => count(t, 'event: ping') >= 4,
    );
    expect(status).toBe(200);
    expect(count(text, 'event: ping\ndata: {"type":"ping"}\n\n')).toBeGreaterThanOrEqual(4);
    // About one interval apart: on average no closer (a ping read late makes the next gap look
    // short, so single gaps say little), and none missing for long.
    const times = arrivals.filter((a) => a.text.includes('event: ping')).map((a) => a.at);
    const first = times[0] ?? 0;
    const last = times.at(-1) ?? 0;
    expect((last - first) / (times.length - 1)).toBeGreaterThanOrEqual(PING_MS - 50);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeLessThan(PING_MS * 4);
  });

  it('pings an OpenAI stream with SSE comments', async () => {
    proxy.api.setDefault({ kind: 'stall-after-start' });
    const body = { model: 'claude-sonnet-5-5', stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const { text, status } = await readRaw('/v1/chat/completions', body, (t) => count(t, ': ping\n\n') >= 2);
    expect(status).toBe(200);
    expect(count(text, ': ping\n\n')).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('event: ping');
  });

  it('the official SDKs parse a stream with pings before and between events', async () => {
    // First token after ~4 intervals, then a delta every ~3: pings come first and in between.
    proxy.api.setDefault({
      kind: 'text',
      chunks: ['slow ', 'but ', 'sure'],
      ttftMs: PING_MS * 4,
      chunkDelayMs: PING_MS * 3,
    });
    const anthropic = proxy.anthropic();
    const message = await anthropic.messages
      .stream({ model: 'claude-sonnet-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'slow but sure' });

    expect(await streamedChatText(proxy.openai(), 'hi')).toBe('slow but sure');

    const raw = await readRaw(
      '/v1/messages',
      {
        model: 'claude-sonnet-5-5',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      },
      (t) => t.includes('event: message_stop'),
    );
    expect(raw.text.indexOf('event: ping')).toBeGreaterThanOrEqual(0);
    expect(raw.text.indexOf('event: ping')).toBeLessThan(raw.text.indexOf('event: message_start'));
    // And between two deltas that are further apart than the interval.
    const between = raw.text.slice(
      raw.text.indexOf('event: content_block_delta'),
      raw.text.lastIndexOf('event: content_block_delta'),
    );
    expect(between).toContain('event: ping');
  }, 60_000);
});
