/**
 * @module
 * The edge: the one module of the HTTP layer that touches the Node response. It turns a client
 * disconnect into an abort ({@link clientSignal}: the only place that does), and writes a streamed
 * answer on both APIs ({@link sseResponse}): SSE headers, the frames, a mid-stream failure written as
 * the API's error frame (the status line is long gone), and the gateway request ended at the end.
 *
 * Under `@hono/node-server` the frames go straight to the Node response: a web `ReadableStream`
 * in between costs a few hops per frame, and the adapter would flush the headers on their own
 * packet before the first frame. Elsewhere (e.g. `app.request()` in tests) hono's `stream()` is used.
 *
 * A stream that has written nothing for `pingIntervalMs` gets a keep-alive frame, and one that had
 * no first event within that interval starts with one (see {@link RequestStart.waiting}).
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { encodeSsePing } from '../compat/anthropic/sse.js';
import { OPENAI_SSE_PING } from '../compat/openai/sse.js';
import { ClaudeCodeAbortError } from '../core/errors/index.js';
import type { GatewayRequest, RequestStart } from '../gateway/gateway-request.js';
import type { AppEnv } from './app-context.js';
import { noteProblem } from './error-handler.js';
import { keepAlive } from './routes/sse-keep-alive.js';

/** The client's side of one request: aborted when it goes away. */
export interface ClientLink {
  /** Aborts (with {@link ClaudeCodeAbortError}) when the client disconnects before the response is complete. */
  readonly signal: AbortSignal;
  /** The client went away (also called by the streaming fallback when its reader cancels). */
  disconnected(): void;
}

/**
 * Watch the client of `c`. Under `@hono/node-server` a response closed before it was complete means
 * the client is gone; elsewhere (`app.request()`) the request's own signal says so. One controller
 * with a listener, not the request's lazily built signal: that costs ~0.1 ms per request on Node 20.
 */
export function clientSignal(c: Context<AppEnv>): ClientLink {
  const controller = new AbortController();
  const disconnected = (): void => controller.abort(new ClaudeCodeAbortError('client disconnected'));
  const outgoing = c.env?.outgoing;
  if (outgoing) {
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) disconnected();
    });
  } else {
    c.req.raw.signal.addEventListener('abort', disconnected, { once: true });
  }
  return { signal: controller.signal, disconnected };
}

/** A gateway request whose response may start: its first event is there, or it is `waiting`. */
export interface StartedRequest {
  readonly request: GatewayRequest;
  readonly start: RequestStart;
  readonly client: ClientLink;
  /** Headers known when the response starts (`x-claude-code-context`, `x-claude-code-warnings`). */
  readonly headers: Record<string, string>;
  /** Send a keep-alive after this much silence (`ssePingIntervalMs`); 0 never. @unit milliseconds */
  readonly pingIntervalMs: number;
}

/** How one API writes its frames. */
export interface SseWriter {
  /** Yield the encoded frames for the run's events (and any closing frame such as `[DONE]`). */
  frames(events: AsyncIterable<RawMessageStreamEvent>): AsyncIterable<string>;
  /** The error frame for a failure after the headers were sent. */
  errorFrame(error: unknown): string;
  /**
   * The keep-alive frame sent after `pingIntervalMs` of silence. @default `event: ping` on the
   * Messages API (what the real API sends), an SSE comment line elsewhere (every SSE client skips it)
   */
  readonly ping?: string | undefined;
}

/** Respond to `c` with the run's events as server-sent events. */
export function sseResponse(c: Context<AppEnv>, started: StartedRequest, writer: SseWriter): Response {
  c.header('content-type', 'text/event-stream; charset=utf-8');
  c.header('cache-control', 'no-cache');
  for (const [name, value] of Object.entries(started.headers)) c.header(name, value);
  const ping = writer.ping ?? defaultPing(c);
  const outgoing = c.env?.outgoing;
  if (outgoing) {
    const headers = Object.fromEntries(c.newResponse(null).headers);
    // Nothing is left to answer with if even the status line cannot be written: drop the socket.
    writeToNode(outgoing, headers, started, writer, ping, (error) => noteProblem(c, error)).catch(() =>
      outgoing.destroy(),
    );
    return RESPONSE_ALREADY_SENT;
  }
  return stream(c, async (out) => {
    out.onAbort(() => started.client.disconnected());
    const alive = keepAlive(started.pingIntervalMs, () => void out.write(ping).catch(() => undefined));
    try {
      if (started.start.waiting) await out.write(ping);
      for await (const frame of writer.frames(started.request.events)) {
        alive.touch();
        await out.write(frame);
      }
    } catch (error) {
      noteProblem(c, error);
      await out.write(writer.errorFrame(error));
    } finally {
      alive.stop();
      // Ends a request whose events were never read (a failed first write); nothing otherwise.
      started.request.abort();
    }
  });
}

/** Write the stream to a Node response, honouring back-pressure; rejects only if `writeHead` throws. */
async function writeToNode(
  outgoing: ServerResponse,
  headers: Record<string, string>,
  started: StartedRequest,
  writer: SseWriter,
  ping: string,
  /** Told of a failure after the status line (it is answered with the error frame). */
  onError: (error: unknown) => void,
): Promise<void> {
  // A ping is skipped while the client is not reading (back-pressure): it would only queue up.
  const alive = keepAlive(started.pingIntervalMs, () => {
    if (!outgoing.destroyed && !outgoing.writableNeedDrain) outgoing.write(ping);
  });
  const write = async (frame: string): Promise<void> => {
    if (outgoing.destroyed) throw new Error('client disconnected');
    alive.touch();
    if (!outgoing.write(frame)) await drained(outgoing);
  };
  try {
    outgoing.writeHead(200, headers);
    try {
      // Started before the first event (the client has waited a ping interval): say it is alive.
      if (started.start.waiting) {
        await write(ping);
        outgoing.uncork();
      }
      let first = !started.start.waiting;
      for await (const frame of writer.frames(started.request.events)) {
        await write(frame);
        // Node holds a response's writes until the next tick to join them; frames already there
        // (a burst of events) would all wait for the last one. The status line and the first frame
        // go out at once; later frames of a burst still travel together.
        if (first) outgoing.uncork();
        first = false;
      }
    } catch (error) {
      onError(error);
      if (!outgoing.destroyed) outgoing.write(writer.errorFrame(error));
    }
  } finally {
    alive.stop();
    // Ends a request whose events were never read (`writeHead` threw); nothing otherwise.
    started.request.abort();
    if (!outgoing.destroyed) outgoing.end();
  }
}

/**
 * The keep-alive in the stream's dialect when its writer names none: the Messages API's own `ping`
 * event on `/v1/messages` (the Anthropic SDKs skip it), else a comment line, which every SSE
 * parser ignores (the OpenAI SDKs would try to parse an unnamed `data:` ping as a chunk).
 */
function defaultPing(c: Context<AppEnv>): string {
  return c.req.path === '/v1/messages' ? encodeSsePing() : OPENAI_SSE_PING;
}

function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      outgoing.off('drain', done);
      outgoing.off('close', done);
      resolve();
    };
    outgoing.once('drain', done);
    outgoing.once('close', done);
  });
}
