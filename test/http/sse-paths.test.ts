/**
 * The two ways an SSE answer leaves the server: straight to the Node response under
 * `@hono/node-server`, and through hono's web stream when the app runs without Node bindings
 * (`app.request()`). Both must send the same headers and frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const streamRequest = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    model: 'claude-sonnet-5-5',
    max_tokens: 50,
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  }),
};

function eventNames(text: string): string[] {
  return [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1] ?? '');
}

describe('SSE responses', () => {
  it('are identical over a socket and in-process', async () => {
    harness = await startHarness({ default: { kind: 'reply', chunks: ['Hel', 'lo'] } });
    const overSocket = await fetch(`${harness.url}/v1/messages`, streamRequest);
    const inProcess = await harness.server.app.request('/v1/messages', streamRequest);
    const texts = [await overSocket.text(), await inProcess.text()];
    for (const [response, text] of [
      [overSocket, texts[0]],
      [inProcess, texts[1]],
    ] as const) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(response.headers.get('request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(response.headers.get('x-claude-code-context')).toBe('new');
      expect(eventNames(text ?? '')).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
    }
    // Both carry the same text deltas, in order.
    const deltas = (text: string) => [...text.matchAll(/"text":"(\w+)"/g)].map((m) => m[1]);
    expect(deltas(texts[0] ?? '')).toEqual(deltas(texts[1] ?? ''));
  });

  it('end with an error frame when the run fails after the first event', async () => {
    // A few stream lines (through the first text delta) reach the caller, then the CLI dies.
    harness = await startHarness({
      default: { kind: 'crash', afterLines: 6, text: 'partial answer', exitCode: 3, stderr: 'boom' },
    });
    for (const response of [
      await fetch(`${harness.url}/v1/messages`, streamRequest),
      await harness.server.app.request('/v1/messages', streamRequest),
    ]) {
      expect(response.status).toBe(200);
      const names = eventNames(await response.text());
      expect(names[0]).toBe('message_start');
      expect(names.at(-1)).toBe('error');
      expect(names).not.toContain('message_stop');
    }
  });
});
