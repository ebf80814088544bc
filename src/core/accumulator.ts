/**
 * @module
 * The one accumulator: CLI messages in, public events out, and at the end the response. Streaming and
 * non-streaming runs both go through here, so they cannot disagree.
 */
import type { CliMessage } from './cli-message.js';
import { summarizeResult } from './classify-result.js';
import type { ClaudeEvent } from './events.js';
import { messageToEvents } from './message-to-events.js';
import type { ClaudeCodeResponse } from './response.js';

/** Folds the messages of one turn into events and a {@link ClaudeCodeResponse}. */
export class RunAccumulator {
  readonly #messages: CliMessage[] = [];
  readonly #startedAt: number;
  #sessionId: string | undefined;
  #model: string | undefined;
  #text = '';
  #response: ClaudeCodeResponse | undefined;

  /** @param startedAt `performance.now()` when the run started, for `executionTimeMs`. */
  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** Add one CLI message; returns the events it produces (a `result` event when the turn ends). */
  push(message: CliMessage): ClaudeEvent[] {
    this.#messages.push(message);
    if (message.session_id) this.#sessionId = message.session_id;
    if (message.type === 'result') {
      this.#response = this.#buildResponse(message);
      return [{ type: 'result', response: this.#response, message }];
    }
    const events = messageToEvents(message);
    for (const event of events) {
      if (event.type === 'session_start') this.#model = event.model;
      else if (event.type === 'assistant_message' && event.parentToolUseId === null) this.#text = event.text;
    }
    return events;
  }

  /** The response, once a `result` line was seen. */
  get response(): ClaudeCodeResponse | undefined {
    return this.#response;
  }

  /** Session id seen so far (from any line), if any. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Text of the latest top-level assistant message, for diagnostics when no result arrives. */
  get partialText(): string {
    return this.#text;
  }

  /** Every message pushed so far. */
  get messages(): readonly CliMessage[] {
    return this.#messages;
  }

  #buildResponse(raw: CliMessage): ClaudeCodeResponse {
    const summary = summarizeResult(raw);
    return {
      ...summary,
      // An error result has no `result` text for max-turns; fall back to the error strings.
      content: summary.content || (summary.isError ? summary.errors.join('\n') : ''),
      sessionId: summary.sessionId || this.#sessionId || '',
      executionTimeMs: Math.round(performance.now() - this.#startedAt),
      ...(this.#model === undefined ? {} : { model: this.#model }),
      messages: [...this.#messages],
      raw,
    };
  }
}
