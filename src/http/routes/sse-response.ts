/**
 * @module
 * The shared shape of a streamed answer on both APIs: SSE headers, the frames, a client
 * disconnect that aborts the run, a mid-stream failure written as the API's error frame (the status
 * line is long gone), and the run slot released at the end.
 */
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import type { StartedStream } from './messages-runner.js';

/** How one API writes its frames. */
export interface SseWriter {
  /** Yield the encoded frames for the run's events (and any closing frame such as `[DONE]`). */
  frames(started: StartedStream): AsyncIterable<string>;
  /** The error frame for a failure after the headers were sent. */
  errorFrame(error: unknown): string;
}

/** Respond to `c` with the run's events as server-sent events. */
export function sseResponse(c: Context, started: StartedStream, writer: SseWriter): Response {
  c.header('content-type', 'text/event-stream; charset=utf-8');
  c.header('cache-control', 'no-cache');
  for (const [name, value] of Object.entries(started.headers)) c.header(name, value);
  return stream(c, async (out) => {
    out.onAbort(() => started.abort());
    try {
      for await (const frame of writer.frames(started)) await out.write(frame);
    } catch (error) {
      await out.write(writer.errorFrame(error));
    } finally {
      started.release();
    }
  });
}
