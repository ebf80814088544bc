/**
 * @module
 * `AnswerUsage`: the usage of the upstream API messages one answer covered, summed. A run suspended
 * on client tool calls is answered in pieces (up to the calls, then from the results on), while the
 * CLI's result reports the whole run; each piece must report only its own API calls, or a client
 * that adds up its responses (Claude Code does) counts the earlier pieces again.
 */
import type { MessageDeltaUsage } from '@anthropic-ai/sdk/resources/messages';
import { asRecord, numberField, type CliMessage } from '../../core/cli-message.js';
import type { MessageDeltaEvent, MessageStartEvent } from '../../core/events.js';
import { cliMessageId, toDeltaUsage } from './to-message.js';

interface Counts {
  input: number;
  cacheRead: number;
  cacheCreation: number;
  output: number;
}

/** See the module comment. */
export class AnswerUsage {
  /** Per API message id; a message is counted once however many lines report it. */
  readonly #messages = new Map<string, Counts>();
  #current: Counts | undefined;
  #unnamed = 0;

  /** An API message started streaming: its input counts are final here. */
  started(event: MessageStartEvent): void {
    const counts: Counts = {
      input: event.inputTokens,
      cacheRead: event.cacheReadInputTokens,
      cacheCreation: event.cacheCreationInputTokens,
      output: 0,
    };
    this.#messages.set(event.messageId ?? `unnamed-${this.#unnamed++}`, counts);
    this.#current = counts;
  }

  /** The streaming message ended: its `message_delta` output count is its total. */
  ended(event: MessageDeltaEvent): void {
    if (this.#current !== undefined) this.#current.output = event.outputTokens;
  }

  /**
   * A complete assistant line. Counted only for a message that never streamed (a non-streaming
   * retry of a broken stream): a streamed message's counts came with its own events.
   */
  completed(line: CliMessage): void {
    const id = cliMessageId(line);
    if (id === undefined || this.#messages.has(id)) return;
    const usage = asRecord(asRecord(line['message'])?.['usage']);
    if (usage === undefined) return;
    this.#messages.set(id, {
      input: numberField(usage, 'input_tokens'),
      cacheRead: numberField(usage, 'cache_read_input_tokens'),
      cacheCreation: numberField(usage, 'cache_creation_input_tokens'),
      output: numberField(usage, 'output_tokens'),
    });
  }

  /** The `message_delta` usage of the answer: the sums over its API messages. */
  total(): MessageDeltaUsage {
    const sum: Counts = { input: 0, cacheRead: 0, cacheCreation: 0, output: 0 };
    for (const counts of this.#messages.values()) {
      sum.input += counts.input;
      sum.cacheRead += counts.cacheRead;
      sum.cacheCreation += counts.cacheCreation;
      sum.output += counts.output;
    }
    return {
      ...toDeltaUsage(undefined, sum.output),
      input_tokens: sum.input,
      cache_read_input_tokens: sum.cacheRead,
      cache_creation_input_tokens: sum.cacheCreation,
    };
  }
}
