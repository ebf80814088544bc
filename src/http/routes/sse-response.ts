/**
 * @module
 * The shared shape of a streamed answer on both APIs: SSE headers, the frames, a client
 * disconnect that aborts the run, a mid-stream failure written as the API's error frame (the status
 * line is long gone), and the run slot released at the end.
 *
 * Under `@hono/node-server` the frames go straight to the Node response: a web `ReadableStream`
 * in between costs a few hops per frame, and the adapter would flush the headers on their own
 * packet before the first frame. Elsewhere (e.g. `app.request()` in tests) hono's `stream()` is used.
 *
 * A stream that has written nothing for `pingIntervalMs` gets a keep-alive frame, and one that had
 * no first event within that interval starts with one (see {@link StartedStream.waiting}).
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { encodeSsePing } from '../../compat/anthropic/sse.js';
import { OPENAI_SSE_PING } from '../../compat/openai/sse.js';
import type { AppEnv } from '../app-context.js';
import { keepAlive } from './sse-keep-alive.js';
import type { StartedStream } from './messages-runner.js';

/** How one API writes its frames. */
export interface SseWriter {
  /** Yield the encoded frames for the run's events (and any closing frame such as `[DONE]`). */
  frames(started: StartedStream): AsyncIterable<string>;
  /** The error frame for a failure after the headers were sent. */
  errorFrame(error: unknown): string;
  /**
   * The keep-alive frame sent after `pingIntervalMs` of silence. @default `event: ping` on the
   * Messages API (what the real API sends), an SSE comment line elsewhere (every SSE client skips it)
   */
  readonly ping?: string | undefined;
}

/** Respond to `c` with the run's events as server-sent events. */
export function sseResponse(c: Context<AppEnv>, started: StartedStream, writer: SseWriter): Response {
  c.header('content-type', 'text/event-stream; charset=utf-8');
  c.header('cache-control', 'no-cache');
  for (const [name, value] of Object.entries(started.headers)) c.header(name, value);
  const ping = writer.ping ?? defaultPing(c);
  const outgoing = c.env?.outgoing;
  if (outgoing) {
    const headers = Object.fromEntries(c.newResponse(null).headers);
    // Nothing is left to answer with if even the status line cannot be written: drop the socket.
    writeToNode(outgoing, headers, started, writer, ping).catch(() => outgoing.destroy());
    return RESPONSE_ALREADY_SENT;
  }
  return stream(c, async (out) => {
    out.onAbort(() => started.abort());
    const alive = keepAlive(started.pingIntervalMs, () => void out.write(ping).catch(() => undefined));
    try {
      if (started.waiting) await out.write(ping);
      for await (const frame of writer.frames(started)) {
        alive.touch();
        await out.write(frame);
      }
    } catch (error) {
      await out.write(writer.errorFrame(error));
    } finally {
      alive.stop();
      started.release();
    }
  });
}

/** Write the stream to a Node response, honouring back-pressure; rejects only if `writeHead` throws. */
async function writeToNode(
  outgoing: ServerResponse,
  headers: Record<string, string>,
  started: StartedStream,
  writer: SseWriter,
  ping: string,
): Promise<void> {
  // The client went away before the end: stop the run (which kills the CLI).
  const onClose = (): void => {
    if (!outgoing.writableFinished) started.abort();
  };
  outgoing.once('close', onClose);
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
      if (started.waiting) {
        await write(ping);
        outgoing.uncork();
      }
      let first = !started.waiting;
      for await (const frame of writer.frames(started)) {
        await write(frame);
        // Node holds a response's writes until the next tick to join them; frames already there
        // (a burst of events) would all wait for the last one. The status line and the first frame
        // go out at once; later frames of a burst still travel together.
        if (first) outgoing.uncork();
        first = false;
      }
    } catch (error) {
      if (!outgoing.destroyed) outgoing.write(writer.errorFrame(error));
    }
  } finally {
    alive.stop();
    started.release();
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
