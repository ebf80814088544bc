/**
 * @module
 * Answers for requests Node's HTTP parser rejects before any route sees them (malformed request
 * line, invalid header characters, headers too large, an `Expect` other than `100-continue`). Node
 * answers those with an empty-bodied 400/431/417; here they get the same JSON error body as every
 * other failure, so a client's error handling (and a human with curl) sees what went wrong.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { anthropicErrorResponse } from '../compat/anthropic/errors.js';
import { openaiErrorResponse } from '../compat/openai/errors.js';
import { problem, type ProblemType } from '../compat/problem.js';
import { errorApiFor, requestLinePath } from './openai-paths.js';

interface ProtocolError {
  readonly status: number;
  readonly reason: string;
  readonly type: ProblemType;
  readonly message: string;
}

/** Status, reason phrase and message for a parser error, as Node itself would pick the status. */
function describe(error: NodeJS.ErrnoException): ProtocolError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        type: 'invalid_request_error',
        message: 'Request headers are too large.',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        reason: 'Payload Too Large',
        type: 'request_too_large',
        message: 'Chunk extensions are too large.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        type: 'timeout_error',
        message: 'The request was not received in time.',
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        type: 'invalid_request_error',
        // The parser's reason ("Invalid header value char") names the problem without echoing input.
        message: `Malformed HTTP request${error.code ? ` (${error.code}: ${parserReason(error)})` : ''}.`,
      };
  }
}

function parserReason(error: NodeJS.ErrnoException): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' && reason.length <= 200 ? reason : error.message.slice(0, 200);
}

/**
 * The error body in the shape of the API the request was for, built by that API's one error mapper.
 * The parser refused the request, so its headers are not to be trusted: only the path decides, and
 * a path both APIs share (`/v1/models`) gets Anthropic's shape, the proxy's default.
 */
function errorBody(status: number, type: ProblemType, message: string, path: string | undefined): string {
  const failure = problem(status, type, message);
  if (path !== undefined && errorApiFor(path, true) === 'openai')
    return JSON.stringify(openaiErrorResponse(failure).body);
  return JSON.stringify(anthropicErrorResponse(failure).body);
}

/**
 * `clientError` listener: write an API-shaped error and close the connection. Never throws, and
 * writes nothing when the socket is gone or a response has already started on it (bytes in the
 * middle of a response would corrupt what the client reads).
 */
export function onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  try {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const { status, reason, type, message } = describe(error);
    // The parser hands over the bytes it choked on; when they start with the request line, the
    // path tells which API's error shape the client expects.
    const packet = (error as { rawPacket?: Buffer }).rawPacket;
    const body = errorBody(status, type, message, requestLinePath(packet));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'content-type: application/json\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
    // A peer that never reads must not keep the socket open.
    setTimeout(() => socket.destroy(), 5_000).unref();
  } catch {
    socket.destroy();
  }
}

/**
 * `checkExpectation` listener (an `Expect` other than `100-continue`, which Node answers itself):
 * 417 with a JSON body naming the header.
 */
export function onUnsupportedExpectation(request: IncomingMessage, response: ServerResponse): void {
  try {
    const body = errorBody(
      417,
      'invalid_request_error',
      'Unsupported Expect header: only "Expect: 100-continue" is supported.',
      request.url,
    );
    response.writeHead(417, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
  } catch {
    response.destroy();
  }
}

/** Install both listeners on a Node HTTP server (`@hono/node-server`'s `serve()` result). */
export function answerProtocolErrors(server: EventEmitter): void {
  server.on('clientError', onClientError);
  server.on('checkExpectation', onUnsupportedExpectation);
}
