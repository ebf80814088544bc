/**
 * @module
 * `RunCursor`: a {@link ClaudeRun} read in pieces. A run suspended on client tool calls outlives the
 * HTTP request that started it, so its events are read through one iterator kept across requests
 * (a `for await` loop would abort the run when it ends), and the abort signal of whichever request
 * is reading it right now is attached to it.
 */
import type { ClaudeRun } from '../client/claude-run.js';
import type { ClaudeEvent } from '../core/events.js';
import type { ClaudeCodeResponse } from '../core/response.js';

/** See the module comment. */
export class RunCursor {
  readonly #run: ClaudeRun;
  readonly #iterator: AsyncIterator<ClaudeEvent>;
  #detach: (() => void) | undefined;

  constructor(run: ClaudeRun) {
    this.#run = run;
    this.#iterator = run[Symbol.asyncIterator]();
  }

  /** The final response (rejects when the run fails or is aborted). */
  get result(): Promise<ClaudeCodeResponse> {
    return this.#run.result;
  }

  /** The CLI session id, once announced. */
  get sessionId(): string | undefined {
    return this.#run.sessionId;
  }

  /** The next event; `done` after the result. */
  next(): Promise<IteratorResult<ClaudeEvent>> {
    return this.#iterator.next();
  }

  /** Abort the run when `signal` aborts, until {@link detach} (replaces an earlier signal). */
  attach(signal: AbortSignal | undefined): void {
    this.detach();
    if (signal === undefined) return;
    if (signal.aborted) {
      this.abort(signal.reason);
      return;
    }
    const onAbort = (): void => this.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.#detach = () => signal.removeEventListener('abort', onAbort);
  }

  /** Stop following the attached signal (the request that was reading is done). */
  detach(): void {
    this.#detach?.();
    this.#detach = undefined;
  }

  /** Stop the run; the CLI is killed. */
  abort(reason?: unknown): void {
    this.detach();
    this.#run.abort(reason);
    void this.#iterator.return?.();
  }
}
