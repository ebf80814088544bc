/**
 * @module
 * The handle returned by `runStreaming`: an async iterable of events, a promise of the final
 * response, and `abort()`. Modelled on the Anthropic SDK's `MessageStream`.
 */
import { ClaudeCodeAbortError } from '../core/errors/index.js';
import type { ClaudeEvent } from '../core/events.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import { EventChannel } from './event-channel.js';

/** What a run's producer calls to feed and finish a {@link ClaudeRun}. */
export interface RunController {
  emit(event: ClaudeEvent): void;
  succeed(response: ClaudeCodeResponse): void;
  fail(error: unknown): void;
  /** Aborted by the caller; the producer must stop the CLI. */
  readonly signal: AbortSignal;
}

/**
 * A streaming run. Iterate it once for events, or await `result` (or both).
 * Leaving a `for await` loop early aborts the run and kills the CLI.
 *
 * @example
 * ```ts
 * const run = wrapper.runStreaming('Write a haiku');
 * for await (const event of run) if (event.type === 'text_delta') process.stdout.write(event.text);
 * const { metrics } = await run.result;
 * ```
 */
export class ClaudeRun implements AsyncIterable<ClaudeEvent> {
  /** Resolves with the final response; rejects with a {@link ClaudeCodeError}. */
  readonly result: Promise<ClaudeCodeResponse>;
  readonly #channel: EventChannel<ClaudeEvent>;
  readonly #abort = new AbortController();
  #sessionId: string | undefined;

  /** @internal Created by the wrapper; `start` receives the controller that feeds this run. */
  constructor(start: (controller: RunController) => void) {
    this.#channel = new EventChannel<ClaudeEvent>(() =>
      this.abort(new ClaudeCodeAbortError('stream consumer stopped')),
    );
    let resolveResult!: (response: ClaudeCodeResponse) => void;
    let rejectResult!: (error: unknown) => void;
    this.result = new Promise<ClaudeCodeResponse>((resolve, reject) => {
      resolveResult = resolve;
      rejectResult = reject;
    });
    // Callers who only iterate must not get an unhandled rejection; `await run.result` still throws.
    this.result.catch(() => {});
    let settled = false;
    start({
      emit: (event) => {
        if (event.type === 'session_start') this.#sessionId = event.sessionId;
        this.#channel.push(event);
      },
      succeed: (response) => {
        if (settled) return;
        settled = true;
        this.#sessionId = response.sessionId || this.#sessionId;
        this.#channel.close();
        resolveResult(response);
      },
      fail: (error) => {
        if (settled) return;
        settled = true;
        this.#channel.close(error, true);
        rejectResult(error);
      },
      signal: this.#abort.signal,
    });
  }

  /** The CLI session id, once the CLI has announced it. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Stop the run: the CLI is stopped and `result` rejects with {@link ClaudeCodeAbortError}. */
  abort(reason?: unknown): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(reason ?? new ClaudeCodeAbortError());
  }

  [Symbol.asyncIterator](): AsyncIterator<ClaudeEvent> {
    return this.#channel[Symbol.asyncIterator]();
  }
}
