/**
 * Browser safety: a web page cannot make the proxy run prompts (Origin check, text/plain refused),
 * DNS rebinding is refused (Host check), and configured origins get working CORS.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServeOptions } from '../../src/cli/serve/resolve-serve-options.js';
import { cliRuns, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const messageBody = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 10,
  messages: [{ role: 'user', content: 'hi' }],
});

/** A request with full control of the headers (fetch may not set Host). */
function send(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('Origin', () => {
  it('refuses a cross-site text/plain POST by default, before any CLI run', async () => {
    harness = await startHarness();
    const res = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: messageBody,
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('permission_error');
    expect(body.error.message).toContain('https://evil.example');
    expect(body.error.message).toContain('allowedOrigins');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(cliRuns(harness.fake)).toHaveLength(0);
  });

  it('answers the OpenAI route in its own error shape', async () => {
    harness = await startHarness();
    const res = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(cliRuns(harness.fake)).toHaveLength(0);
  });

  it('speaks CORS to configured origins: preflight, allow-origin and exposed headers', async () => {
    harness = await startHarness(
      {},
      { allowedOrigins: ['https://app.example'], apiKeys: ['sk-test-123456'] },
    );
    const preflight = await fetch(`${harness.url}/v1/messages`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'content-type, x-api-key, anthropic-version, x-stainless-os, x-evil',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'content-type, x-api-key, anthropic-version, x-stainless-os',
    );
    const res = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: {
        origin: 'https://app.example',
        'content-type': 'application/json',
        'x-api-key': 'sk-test-123456',
      },
      body: messageBody,
    });
    expect(res.status).toBe(200);
    // Errors are readable by the page too.
    const unauthorized = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { origin: 'https://app.example', 'content-type': 'application/json' },
      body: messageBody,
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-expose-headers')).toContain('request-id');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-claude-cost-usd');
    const other = await fetch(`${harness.url}/v1/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://other.example', 'access-control-request-method': 'POST' },
    });
    expect(other.status).toBe(403);
  });
});

describe('Content-Type', () => {
  it('refuses the body types a browser sends without a preflight (415), reads JSON and untyped bodies', async () => {
    harness = await startHarness();
    const refused = [
      'text/plain',
      'text/plain;charset=UTF-8',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
    ];
    for (const type of refused) {
      const res = await fetch(`${harness.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: messageBody,
      });
      expect(res.status, type).toBe(415);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
        'application/json',
      );
    }
    expect(cliRuns(harness.fake)).toHaveLength(0);
    for (const headers of [{ 'content-type': 'application/json' }, {}]) {
      const res = await send(harness.url, {
        path: '/v1/messages',
        method: 'POST',
        headers,
        body: messageBody,
      });
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe('Host', () => {
  it('accepts the bound address and loopback names on the server port, refuses any other', async () => {
    harness = await startHarness();
    const { port } = new URL(harness.url);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost']) {
      expect((await send(harness.url, { path: '/v1/models', headers: { host } })).status, host).toBe(200);
    }
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:1`,
      `localhost.evil.example:${port}`,
    ]) {
      const res = await send(harness.url, { path: '/v1/models', headers: { host } });
      expect(res.status, host).toBe(403);
      expect(res.body).toContain('allowedHosts');
    }
    const run = await send(harness.url, {
      method: 'POST',
      path: '/v1/messages',
      headers: { host: `rebound.example:${port}`, 'content-type': 'application/json' },
      body: messageBody,
    });
    expect(run.status).toBe(403);
    expect(cliRuns(harness.fake)).toHaveLength(0);
  });

  it('takes allowedHosts instead of the default', async () => {
    harness = await startHarness({}, { allowedHosts: ['proxy.internal'] });
    const { port } = new URL(harness.url);
    expect(
      (await send(harness.url, { path: '/v1/models', headers: { host: `proxy.internal:${port}` } })).status,
    ).toBe(200);
    expect(
      (await send(harness.url, { path: '/v1/models', headers: { host: `localhost:${port}` } })).status,
    ).toBe(403);
  });

  it('accepts any Host when bound to every interface (API keys required there)', async () => {
    harness = await startHarness({}, { host: '0.0.0.0', apiKeys: ['sk-test-123456'] });
    const res = await send(`http://127.0.0.1:${new URL(harness.url).port}`, {
      path: '/v1/models',
      headers: { host: 'some-name.internal:1234', 'x-api-key': 'sk-test-123456' },
    });
    expect(res.status).toBe(200);
  });
});

describe('serve flags and env', () => {
  it('read --allowed-origin / --allowed-host and CLAUDE_WRAPPER_ALLOWED_* (comma-separated)', () => {
    const fromEnv = resolveServeOptions(
      {},
      {
        CLAUDE_WRAPPER_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
        CLAUDE_WRAPPER_ALLOWED_HOSTS: 'x,y:1',
      },
    );
    expect(fromEnv).toMatchObject({
      allowedOrigins: ['https://a.example', 'https://b.example'],
      allowedHosts: ['x', 'y:1'],
    });
    const fromFlags = resolveServeOptions(
      { allowedOrigin: ['https://c.example,https://d.example'], allowedHost: ['z'] },
      { CLAUDE_WRAPPER_ALLOWED_ORIGINS: 'https://a.example' },
    );
    expect(fromFlags).toMatchObject({
      allowedOrigins: ['https://c.example', 'https://d.example'],
      allowedHosts: ['z'],
    });
  });
});
