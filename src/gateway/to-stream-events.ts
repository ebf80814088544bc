/**
 * @module
 * A streaming CLI run ({@link ClaudeRun}) → the Messages API's `RawMessageStreamEvent` sequence:
 * `message_start`, then per content block `content_block_start` / `content_block_delta`... /
 * `content_block_stop`, then `message_delta` (stop reason, final usage) and `message_stop`.
 *
 * `message_start` is held back until the model produces its first output (or the run ends), so a
 * failure before any output (not logged in, overloaded, unknown session) rejects the iteration
 * before the first event and the HTTP layer can still answer with a proper error status.
 *
 * With client tools the answer can also end while the run goes on: when the model stops for the
 * caller's tool calls, the events end with `stop_reason: 'tool_use'` and the run stays suspended;
 * `onFinish` hears about it (`suspendedOn`) and the next request continues the same
 * {@link RunCursor}.
 */
import type { RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import { ClaudeRun } from '../client/claude-run.js';
import { ClaudeCodeRunError } from '../core/errors/index.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import { RunCursor } from '../tools/run-cursor.js';
import { StreamEventWriter, type StreamEventWriterOptions } from '../compat/anthropic/stream-event-writer.js';

/** Options of {@link toStreamEvents}. */
export interface StreamEventsOptions extends Pick<
  StreamEventWriterOptions,
  | 'model'
  | 'stopSequences'
  | 'includeThinking'
  | 'clientTools'
  | 'structuredOutput'
  | 'continued'
  | 'replaceable'
> {
  /**
   * Called (and awaited) once the answer is complete, BEFORE the closing events are yielded: a
   * consumer may stop reading at `message_stop`, and then code after the last event never runs.
   */
  readonly onFinish?: ((outcome: StreamOutcome) => void | Promise<void>) | undefined;
  /** Hears the CLI announce its session: its id and working directory (where its transcript goes). */
  readonly onSessionStart?: ((session: { sessionId: string; cwd: string | undefined }) => void) | undefined;
}

/** How a stream ended. */
export interface StreamOutcome {
  /** All answer text that was sent (text blocks joined). */
  readonly text: string;
  readonly stopReason: StopReason;
  readonly stopSequence: string | null;
  /** The run's response; undefined when a stop sequence ended the run early or it is suspended. */
  readonly response: ClaudeCodeResponse | undefined;
  /** The run waits for the results of these client tool calls (ids); the cursor is still live. */
  readonly suspendedOn: readonly string[] | undefined;
  /** The caller's names of the tools of `suspendedOn`, call by call. */
  readonly suspendedTools?: readonly string[] | undefined;
  /** The CLI session id, when known. */
  readonly sessionId: string | undefined;
}

/**
 * Translate a run's events. Stopping the iteration early aborts the run (and kills the CLI), unless
 * the run is suspended on client tool calls, which leaves it running for the next request.
 * @throws {@link ClaudeCodeRunError} when the CLI reports the run as failed, or whatever the run
 * fails with (timeout, abort, process errors).
 */
export async function* toStreamEvents(
  source: ClaudeRun | RunCursor,
  options: StreamEventsOptions,
): AsyncGenerator<RawMessageStreamEvent, void, undefined> {
  const cursor = source instanceof ClaudeRun ? new RunCursor(source) : source;
  const writer = new StreamEventWriter(options);
  let settled = false;
  try {
    for (;;) {
      const next = await cursor.next();
      if (next.done === true) break;
      if (next.value.type === 'session_start') {
        options.onSessionStart?.({ sessionId: next.value.sessionId, cwd: next.value.cwd });
      }
      yield* writer.write(next.value);
      // Nothing after a stop sequence is wanted: stop the CLI now instead of paying for the rest.
      if (writer.stopSequence !== null) {
        cursor.abort();
        break;
      }
      if (writer.suspendedOn) break;
    }
    let response: ClaudeCodeResponse | undefined;
    if (writer.stopSequence === null && !writer.suspendedOn) {
      response = await cursor.result;
      if (response.isError) throw new ClaudeCodeRunError(response);
    }
    const closing = writer.finish(response);
    await options.onFinish?.({
      text: writer.text,
      stopReason: writer.stopReason,
      stopSequence: writer.stopSequence,
      response,
      sessionId: response?.sessionId || cursor.sessionId,
      suspendedOn: writer.suspendedOn,
      suspendedTools: writer.suspendedTools,
    });
    // From here the run is either over or parked by `onFinish`: nothing to stop any more.
    settled = true;
    yield* closing;
  } finally {
    // Leaving early (consumer gone, error) must stop the CLI. A run that now waits for tool results
    // belongs to whoever `onFinish` handed it to.
    if (!settled) cursor.abort();
  }
}
