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
 * put here. With a shared store (the replicas' Redis) every response is written there too, before
 * it is answered, and an id this process does not hold is looked up there: a conversation may name
 * a response another replica gave (kept {@link SHARED_RESPONSE_TTL_MS}).
 */
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import type { KeyValueStore } from '../storage/key-value-store.js';
import { echoValue } from '../compat/echo-value.js';
import { OpenAIApiError } from '../compat/openai/errors.js';
import type { ResponsesConversation, ResponsesTranslation } from '../compat/openai-responses/to-anthropic.js';
import { assistantTurn } from '../compat/openai-responses/to-response.js';

/** Default number of remembered responses. */
export const DEFAULT_RESPONSE_STORE_ENTRIES = 1000;

/** How long a response stays in the shared store. @unit milliseconds */
export const SHARED_RESPONSE_TTL_MS = 24 * 3600 * 1000;

/** Response id → its conversation, least recently used first out. */
export class ResponseStore {
  readonly #entries = new Map<string, ResponsesConversation>();
  readonly #maxEntries: number;
  readonly #shared: KeyValueStore | undefined;

  /** @param shared Where the replicas keep every response too (Redis); a failure there fails no request. */
  constructor(maxEntries = DEFAULT_RESPONSE_STORE_ENTRIES, shared?: KeyValueStore) {
    this.#maxEntries = Math.max(1, maxEntries);
    this.#shared = shared;
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
  async previous(previousId: string | undefined): Promise<ResponsesConversation | undefined> {
    if (previousId === undefined) return undefined;
    const previous = this.get(previousId) ?? (await this.#fromShared(previousId));
    if (previous === undefined) {
      throw new OpenAIApiError(404, `Previous response with id ${echoValue(previousId)} not found.`, {
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      });
    }
    return previous;
  }

  /**
   * Keep a finished response's conversation (its input plus its output), unless the request said
   * `store: false`; resolves once the shared store has it too (or could not take it).
   */
  async remember(translated: ResponsesTranslation, response: OpenAIResponse): Promise<void> {
    if (!translated.store) return;
    const turn = assistantTurn(response);
    const conversation = { messages: [...translated.messages, ...(turn === undefined ? [] : [turn])] };
    this.set(response.id, conversation);
    // Another replica may be named this id by the next request: stored before the answer goes out.
    await this.#shared
      ?.set(response.id, JSON.stringify(conversation), SHARED_RESPONSE_TTL_MS)
      .catch(() => undefined);
  }

  /** A response another replica stored (kept here from now on), or undefined. */
  async #fromShared(id: string): Promise<ResponsesConversation | undefined> {
    // The store reports its outages to the server's log; here an outage is an unknown id.
    const stored = await this.#shared?.get(id).catch(() => undefined);
    if (stored === undefined) return undefined;
    try {
      const conversation = JSON.parse(stored) as ResponsesConversation;
      this.set(id, conversation);
      return conversation;
    } catch {
      return undefined;
    }
  }

  /** Number of remembered responses. */
  get size(): number {
    return this.#entries.size;
  }
}
