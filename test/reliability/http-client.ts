/**
 * A small keep-alive HTTP client over node:http: any method, path, headers (Host included) and raw
 * body; the whole answer with status, headers, body and timing, or what went wrong.
 */
import http from 'node:http';

/** One request to send. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Send the body with `transfer-encoding: chunked` instead of `content-length`. */
  readonly chunked?: boolean;
}

/** What came back. */
export interface RawResponse {
  /** 0 when no response arrived. */
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly ms: number;
  readonly timedOut: boolean;
  /** Socket or protocol error (no complete response). */
  readonly error?: string;
}

/** Keep-alive agent with `sockets` connections. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** Open `request` to `baseUrl`, with `content-length` unless the body goes chunked. */
function open(baseUrl: string, request: RawRequest, agent: http.Agent | false): http.ClientRequest {
  const url = new URL(baseUrl);
  const headers: Record<string, string | number> = { ...request.headers };
  if (request.body !== undefined && !request.chunked)
    headers['content-length'] = Buffer.byteLength(request.body);
  return http.request({
    host: url.hostname,
    port: url.port,
    method: request.method,
    path: request.path,
    headers,
    agent,
  });
}

/** Write the body (in three pieces when `chunked`) and end the request. */
function writeBody(req: http.ClientRequest, request: RawRequest): void {
  if (request.body !== undefined) {
    if (request.chunked) {
      const body = Buffer.from(request.body);
      const step = Math.max(1, Math.ceil(body.length / 3));
      for (let i = 0; i < body.length; i += step) req.write(body.subarray(i, i + step));
    } else req.write(request.body);
  }
  req.end();
}

/** Send one request; never throws. Bodies over `maxBodyBytes` are truncated in the result. */
export function send(
  baseUrl: string,
  request: RawRequest,
  options: { agent?: http.Agent; timeoutMs?: number; maxBodyBytes?: number } = {},
): Promise<RawResponse> {
  const started = performance.now();
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Omit<RawResponse, 'ms'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...value, ms: performance.now() - started });
    };
    const req = open(baseUrl, request, options.agent ?? false);
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: 0, headers: {}, body: '', timedOut: true, error: 'timeout' });
    }, options.timeoutMs ?? 30_000);
    req.on('error', (error: Error) =>
      finish({ status: 0, headers: {}, body: '', timedOut: false, error: error.message }),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBody) chunks.push(chunk);
      });
      /** What arrived of the answer, with what ended it early if anything did. */
      const answer = (body: string, error?: string): void =>
        finish({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          timedOut: false,
          ...(error === undefined ? {} : { error }),
        });
      res.on('error', (error: Error) => answer('', error.message));
      res.on('aborted', () => answer(Buffer.concat(chunks).toString('utf8'), 'response aborted'));
      res.on('end', () => answer(Buffer.concat(chunks).toString('utf8')));
    });
    writeBody(req, request);
  });
}

/**
 * Start a streaming request and abort it (destroy the socket) as soon as the first response bytes
 * arrive. Resolves with the status seen and whether any bytes came.
 */
export function sendAndAbortAfterFirstBytes(
  baseUrl: string,
  request: RawRequest,
  timeoutMs = 15_000,
): Promise<{ status: number; gotBytes: boolean; error?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: { status: number; gotBytes: boolean; error?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const req = open(baseUrl, request, false);
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, gotBytes: false, error: 'timeout' });
    }, timeoutMs);
    req.on('error', (error: Error) => done({ status: 0, gotBytes: false, error: error.message }));
    req.on('response', (res) => {
      res.once('data', () => {
        req.destroy();
        done({ status: res.statusCode ?? 0, gotBytes: true });
      });
      res.on('error', () => undefined);
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, gotBytes: false, error: 'ended before abort' }),
      );
    });
    writeBody(req, request);
  });
}

/** Run `tasks` with at most `concurrency` at once; results in task order. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
