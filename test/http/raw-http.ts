/**
 * Raw HTTP over a socket, for requests no well-behaved client would send.
 */
import { connect } from 'node:net';

/** A parsed raw HTTP response. */
export interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly body: string;
  /** Everything received, including interim (`100 Continue`) responses. */
  readonly raw: string;
}

/** Split `text` at the first final (non-1xx) response. */
export function parseRaw(text: string): RawResponse {
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    const head = end < 0 ? rest : rest.slice(0, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    if (status >= 100 && status < 200 && end >= 0) {
      rest = rest.slice(end + 4);
      continue;
    }
    return { status, head, body: end < 0 ? '' : rest.slice(end + 4), raw: text };
  }
}

/** Write `bytes` to `url`'s port and read until the server closes the connection (or `timeoutMs`). */
export function rawRequest(url: string, bytes: string | Buffer, timeoutMs = 5_000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      // A reset after the answer arrived is fine; before it, it is the failure.
      if (chunks.length === 0) reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRaw(Buffer.concat(chunks).toString('latin1')));
    });
    socket.write(bytes);
  });
}
