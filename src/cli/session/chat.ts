/**
 * @module
 * The conversation behind `claude-wrapper session`: one {@link ClaudeSession} (one live CLI
 * process), replaced by a fresh one on `/new`, with running cost and token totals for `/cost`.
 */
import type { ClaudeSession, ClaudeSessionOptions, SessionHistoryEntry } from '../../client/session.js';
import type { ClaudeCodeWrapper } from '../../client/wrapper.js';
import type { ClaudeCodeResponse } from '../../core/response.js';

/** Running totals of a chat. */
export interface ChatTotals {
  readonly turns: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Per-turn callbacks. */
export interface TurnOptions {
  /** Stops this turn; the session stays usable. */
  readonly signal?: AbortSignal;
  /** Receives answer text as it is generated. */
  readonly onText?: (text: string) => void;
}

const ZERO: ChatTotals = { turns: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 };

/** A multi-turn chat on one session at a time. */
export class Chat {
  readonly #wrapper: ClaudeCodeWrapper;
  readonly #options: ClaudeSessionOptions;
  #session: ClaudeSession;
  #current: ChatTotals = ZERO;
  #all: ChatTotals = ZERO;

  constructor(wrapper: ClaudeCodeWrapper, options: ClaudeSessionOptions) {
    this.#wrapper = wrapper;
    this.#options = options;
    this.#session = wrapper.session(options);
  }

  /** Session id of the current conversation, once known. */
  get sessionId(): string | undefined {
    return this.#session.sessionId;
  }

  /** Totals of the current session. */
  get current(): ChatTotals {
    return this.#current;
  }

  /** Totals since the chat started, across `/new`. */
  get all(): ChatTotals {
    return this.#all;
  }

  /** Turns of the current session. */
  history(): readonly SessionHistoryEntry[] {
    return this.#session.getHistory();
  }

  /** Send one prompt; resolves with the response (which may carry `isError`). */
  async turn(prompt: string, { signal, onText }: TurnOptions = {}): Promise<ClaudeCodeResponse> {
    const run = this.#session.stream(prompt, signal ? { signal } : {});
    for await (const event of run) if (event.type === 'text_delta') onText?.(event.text);
    const response = await run.result;
    this.#current = add(this.#current, response);
    this.#all = add(this.#all, response);
    return response;
  }

  /** Start a fresh conversation (new CLI process, no history). */
  async reset(): Promise<void> {
    const old = this.#session;
    // Only the new conversation, never the resumed one, starts after /new.
    const { resume: _resume, fork: _fork, ...options } = this.#options;
    this.#session = this.#wrapper.session(options);
    this.#current = ZERO;
    await old.close();
  }

  /** End the session and its CLI process. */
  async close(): Promise<void> {
    await this.#session.close();
  }
}

function add(totals: ChatTotals, response: ClaudeCodeResponse): ChatTotals {
  return {
    turns: totals.turns + 1,
    costUsd: totals.costUsd + response.metrics.costUsd,
    inputTokens: totals.inputTokens + response.metrics.inputTokens,
    outputTokens: totals.outputTokens + response.metrics.outputTokens,
  };
}
