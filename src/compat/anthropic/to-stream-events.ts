/**
 * @module
 * A streaming CLI run ({@link ClaudeRun}) → the Messages API's `RawMessageStreamEvent` sequence:
 * `message_start`, then per content block `content_block_start` / `content_block_delta`... /
 * `content_block_stop`, then `message_delta` (stop reason, final usage) and `message_stop`.
 *
 * `message_start` is held back until the model produces its first output (or the run ends), so a
 * failure before any output (not logged in, overloaded, unknown session) rejects the iteration
 * before the first event and the HTTP layer can still answer with a proper error status.
 */
import type { RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { ClaudeRun } from '../../client/claude-run.js';
import { ClaudeCodeRunError } from '../../core/errors/index.js';
import type { ClaudeCodeResponse } from '../../core/response.js';
import { StreamEventWriter } from './stream-event-writer.js';

/** Options of {@link toStreamEvents}. */
export interface StreamEventsOptions {
  /** The model id as requested; echoed in `message_start`. */
  readonly model: string;
  /** Cut the answer at the first of these and stop the run (`stop_reason: 'stop_sequence'`). */
  readonly stopSequences?: readonly string[] | undefined;
  /** Emit thinking blocks (only when the request enabled thinking). @default false */
  readonly includeThinking?: boolean | undefined;
  /**
   * Called (and awaited) once the answer is complete, BEFORE the closing events are yielded: a
   * consumer may stop reading at `message_stop`, and then code after the last event never runs.
   */
  readonly onFinish?: ((outcome: StreamOutcome) => void | Promise<void>) | undefined;
}

/** How a stream ended. */
export interface StreamOutcome {
  /** All answer text that was sent (text blocks joined). */
  readonly text: string;
  readonly stopReason: StopReason;
  readonly stopSequence: string | null;
  /** The run's response; undefined when a stop sequence ended the run early. */
  readonly response: ClaudeCodeResponse | undefined;
  /** The CLI session id, when known. */
  readonly sessionId: string | undefined;
}

/**
 * Translate a run's events. Breaking out of the iteration aborts the run (and kills the CLI).
 * @throws {@link ClaudeCodeRunError} when the CLI reports the run as failed, or whatever the run
 * fails with (timeout, abort, process errors).
 */
export async function* toStreamEvents(
  run: ClaudeRun,
  options: StreamEventsOptions,
): AsyncGenerator<RawMessageStreamEvent, void, undefined> {
  const writer = new StreamEventWriter(options);
  for await (const event of run) {
    yield* writer.write(event);
    // Nothing after a stop sequence is wanted: stop the CLI now instead of paying for the rest.
    if (writer.stopSequence !== null) {
      run.abort();
      break;
    }
  }
  let response: ClaudeCodeResponse | undefined;
  if (writer.stopSequence === null) {
    response = await run.result;
    if (response.isError) throw new ClaudeCodeRunError(response);
  }
  const closing = writer.finish(response);
  await options.onFinish?.({
    text: writer.text,
    stopReason: writer.stopReason,
    stopSequence: writer.stopSequence,
    response,
    sessionId: response?.sessionId || run.sessionId,
  });
  yield* closing;
}
