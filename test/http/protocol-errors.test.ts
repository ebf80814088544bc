/**
 * Requests Node's HTTP parser refuses get the API's JSON error body, with the status Node would
 * have chosen and `connection: close`; `Expect: 100-continue` still works.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRaw, rawRequest } from './raw-http.js';
import { startHarness, type Harness } from './server-harness.js';

let harness: Harness;
let host: string;
beforeAll(async () => {
  harness = await startHarness();
  host = new URL(harness.url).host;
});
afterAll(() => harness.close());

const countBody = JSON.stringify({
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: 'x'.repeat(100_000) }],
});

describe('raw protocol errors', () => {
  const cases: [name: string, bytes: () => string, status: number][] = [
    ['a malformed request line', () => 'NOT A REQUEST\r\n\r\n', 400],
    ['an invalid method', () => `G@T /v1/models HTTP/1.1\r\nhost: ${host}\r\n\r\n`, 400],
    [
      'an invalid header name',
      () => `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nbad header: x\r\n\r\n`,
      400,
    ],
    [
      'an invalid header value',
      () => `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nx-a: a\u0001b\r\n\r\n`,
      400,
    ],
    [
      'both content-length and chunked',
      () =>
        `POST /v1/messages HTTP/1.1\r\nhost: ${host}\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
    ],
    [
      'headers that are too large',
      () => `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    [
      'an unsupported Expect',
      () => `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nexpect: something-else\r\n\r\n`,
      417,
    ],
  ];
  for (const [name, bytes, status] of cases) {
    it(`answers ${name} with ${status} and an Anthropic error body`, async () => {
      const res = await rawRequest(harness.url, bytes());
      expect(res.status).toBe(status);
      expect(res.head.toLowerCase()).toContain('connection: close');
      expect(res.head.toLowerCase()).toContain('content-type: application/json');
      const body = JSON.parse(res.body) as { type: string; error: { type: string; message: string } };
      expect(body.type).toBe('error');
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message.length).toBeGreaterThan(10);
    });
  }

  it.each([
    ['headers that are too large', 431, 'x-big: ' + 'a'.repeat(20_000)],
    ['an invalid header value', 400, 'x-a: a\u0001b'],
    ['an unsupported Expect', 417, 'expect: something-else'],
  ])('answers %s on an OpenAI path with an OpenAI error body', async (_name, status, header) => {
    const res = await rawRequest(
      harness.url,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${host}\r\n${header}\r\ncontent-length: 0\r\n\r\n`,
    );
    expect(res.status).toBe(status);
    const body = JSON.parse(res.body) as { error: { type: string; message: string; param: unknown } };
    expect(body).not.toHaveProperty('type');
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null });
  });

  it('still serves the next connection', async () => {
    expect((await fetch(`${harness.url}/v1/models`)).status).toBe(200);
  });
});

describe('Expect: 100-continue', () => {
  it('works over a raw socket: 100 Continue first, then the answer', async () => {
    const { hostname, port } = new URL(harness.url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let received = '';
      let sentBody = false;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (!sentBody && received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
          sentBody = true;
          socket.write(countBody);
        }
        if (/\r\n\r\n\{.*\}$/s.test(received.slice(25))) socket.end();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
      socket.write(
        `POST /v1/messages/count_tokens HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(countBody)}\r\nexpect: 100-continue\r\n\r\n`,
      );
    });
    expect(text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')).toBe(true);
    const res = parseRaw(text);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ input_tokens: expect.any(Number) as number });
  });

  it('works with node:http waiting for continue (as curl does for big bodies)', async () => {
    const { hostname, port } = new URL(harness.url);
    const result = await new Promise<{ status: number; body: string; continued: boolean }>(
      (resolve, reject) => {
        let continued = false;
        const req = request({
          host: hostname,
          port,
          method: 'POST',
          path: '/v1/messages/count_tokens',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(countBody),
            expect: '100-continue',
          },
        });
        req.on('continue', () => {
          continued = true;
          req.end(countBody);
        });
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, continued }));
        });
        req.on('error', reject);
      },
    );
    expect(result.continued).toBe(true);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ input_tokens: expect.any(Number) as number });
  });
});

describe('onClientError', () => {
  it('never throws and writes nothing on a socket that is gone or mid-response', async () => {
    const { onClientError } = await import('../../src/http/protocol-errors.js');
    const { PassThrough } = await import('node:stream');
    const gone = new PassThrough();
    gone.destroy();
    expect(() =>
      onClientError(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), gone),
    ).not.toThrow();
    const midResponse = Object.assign(new PassThrough(), { _httpMessage: { headersSent: true } });
    const written: unknown[] = [];
    midResponse.on('data', (d) => written.push(d));
    onClientError(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), midResponse);
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual([]);
    expect(midResponse.destroyed).toBe(true);
  });
});
