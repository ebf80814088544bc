/**
 * @module
 * Holds back a run's first events until the model produces output, so that a run failing before any
 * output (an API 529, a crash at start-up) can be retried without the caller ever seeing the failed
 * attempt. Once output has been released, the run is never retried: the caller has seen it.
 */
import type { ClaudeEvent } from '../core/events.js';

/** Events that carry model output. */
function isOutput(event: ClaudeEvent): boolean {
  switch (event.type) {
    case 'text_delta':
    case 'thinking_delta':
    case 'tool_input_delta':
    case 'tool_use':
    case 'tool_result':
      return true;
    case 'assistant_message':
      return !event.isApiError;
    default:
      return false;
  }
}

/** Buffers the preamble of an attempt; see the module comment. */
export class EventGate {
  readonly #emit: (event: ClaudeEvent) => void;
  readonly #hold: boolean;
  #buffer: ClaudeEvent[] = [];
  #released = false;

  /** @param hold false passes every event through at once (no retries configured). */
  constructor(emit: (event: ClaudeEvent) => void, hold: boolean) {
    this.#emit = emit;
    this.#hold = hold;
  }

  /** Whether any event reached the caller. */
  get released(): boolean {
    return this.#released;
  }

  /** Offer an event. `result` events are dropped: the orchestrator emits the final one. */
  push = (event: ClaudeEvent): void => {
    if (event.type === 'result') return;
    if (!this.#hold || this.#released) {
      this.#released = true;
      this.#emit(event);
      return;
    }
    this.#buffer.push(event);
    if (isOutput(event)) this.release();
  };

  /** Send everything held so far and pass later events straight through. */
  release(): void {
    this.#released = true;
    const held = this.#buffer;
    this.#buffer = [];
    for (const event of held) this.#emit(event);
  }

  /** Forget what the failed attempt produced (before a retry). */
  discard(): void {
    this.#buffer = [];
  }
}
