/**
 * @module
 * `ResponseStore`: what `previous_response_id` (OpenAI Responses API) refers to. The Responses API
 * is stateful, the gateway's conversations are keyed by their whole history, so each stored
 * response maps its id to its Anthropic-shaped history (the input it answered, prior turns
 * included, plus its own output). A request naming it is expanded to that history plus the new
 * input and then runs like any Messages request: the conversation lookup finds the CLI session
 * that answered it and resumes it with only the new turn (`x-claude-code-context: resumed`).
 *
 * Bounded and in memory: the oldest entries are dropped past `maxEntries`, and a restart forgets
 * them (an unknown id is a 404 naming `previous_response_id`). `store: false` responses are never
 * put here.
 */
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import { echoValue } from '../compat/echo-value.js';
import { OpenAIApiError } from '../compat/openai/errors.js';
import type { ResponsesConversation, ResponsesTranslation } from '../compat/openai-responses/to-anthropic.js';
import { assistantTurn } from '../compat/openai-responses/to-response.js';

/** Default number of remembered responses. */
export const DEFAULT_RESPONSE_STORE_ENTRIES = 1000;

/** Response id → its conversation, least recently used first out. */
export class ResponseStore {
  readonly #entries = new Map<string, ResponsesConversation>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_RESPONSE_STORE_ENTRIES) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** The conversation of response `id`, or undefined when unknown (never stored, or dropped). */
  get(id: string): ResponsesConversation | undefined {
    const entry = this.#entries.get(id);
    if (entry !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, entry);
    }
    return entry;
  }

  /** Remember response `id`'s conversation. */
  set(id: string, conversation: ResponsesConversation): void {
    this.#entries.delete(id);
    this.#entries.set(id, conversation);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /**
   * The conversation `previous_response_id` names, or undefined when the request names none.
   * @throws {@link OpenAIApiError} 404 `previous_response_not_found` for an id not (or no longer) here.
   */
  previous(previousId: string | undefined): ResponsesConversation | undefined {
    if (previousId === undefined) return undefined;
    const previous = this.get(previousId);
    if (previous === undefined) {
      throw new OpenAIApiError(404, `Previous response with id ${echoValue(previousId)} not found.`, {
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      });
    }
    return previous;
  }

  /** Keep a finished response's conversation (its input plus its output), unless the request said `store: false`. */
  remember(translated: ResponsesTranslation, response: OpenAIResponse): void {
    if (!translated.store) return;
    const turn = assistantTurn(response);
    this.set(response.id, { messages: [...translated.messages, ...(turn === undefined ? [] : [turn])] });
  }

  /** Number of remembered responses. */
  get size(): number {
    return this.#entries.size;
  }
}
