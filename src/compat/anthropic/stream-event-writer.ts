/**
 * @module
 * The state machine behind `toStreamEvents`: which content block is open, what text is held back
 * for stop sequences, and the API events each CLI event turns into. Pure (no I/O), so it is unit
 * tested without a CLI.
 */
import type { RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { CliMessage } from '../../core/cli-message.js';
import type { ClaudeEvent } from '../../core/events.js';
import type { ClaudeCodeResponse } from '../../core/response.js';
import { StopSequenceScanner } from './stop-sequences.js';
import {
  cliMessageId,
  createMessage,
  generateMessageId,
  toDeltaUsage,
  toStopReason,
  toUsage,
} from './to-message.js';

type BlockKind = 'text' | 'thinking';

/** Options of {@link StreamEventWriter}. */
export interface StreamEventWriterOptions {
  readonly model: string;
  readonly stopSequences?: readonly string[] | undefined;
  readonly includeThinking?: boolean | undefined;
}

/** Turns CLI events into API stream events, one call per CLI event. */
export class StreamEventWriter {
  readonly #model: string;
  readonly #includeThinking: boolean;
  readonly #scanner: StopSequenceScanner;
  #started = false;
  #open: { kind: BlockKind; index: number } | undefined;
  #blocks = 0;
  #text = '';
  #deltasInMessage = false;
  #stopReason: StopReason = 'end_turn';

  constructor(options: StreamEventWriterOptions) {
    this.#model = options.model;
    this.#includeThinking = options.includeThinking ?? false;
    this.#scanner = new StopSequenceScanner(options.stopSequences ?? []);
  }

  /** The stop sequence that ended the answer, once one did. */
  get stopSequence(): string | null {
    return this.#scanner.stopSequence;
  }

  /** All text released so far. */
  get text(): string {
    return this.#text;
  }

  /** The stop reason reported by {@link finish}. */
  get stopReason(): StopReason {
    return this.#stopReason;
  }

  /** The API events for one CLI event (often none). */
  write(event: ClaudeEvent): RawMessageStreamEvent[] {
    if (this.stopSequence !== null || !isTopLevel(event.message)) return [];
    switch (event.type) {
      case 'text_delta':
        this.#deltasInMessage = true;
        return this.#writeText(event.text, event.message);
      case 'thinking_delta':
        this.#deltasInMessage = true;
        return this.#includeThinking ? this.#writeThinking(event.thinking, event.message) : [];
      case 'assistant_message': {
        // Without partial messages the whole text only arrives here; with them it was already sent.
        const sawDeltas = this.#deltasInMessage;
        this.#deltasInMessage = false;
        if (sawDeltas || event.isApiError || event.text === '') return [];
        return this.#writeText(event.text, event.message);
      }
      default:
        return [];
    }
  }

  /** The closing events. `response` is undefined when a stop sequence ended the run. */
  finish(response: ClaudeCodeResponse | undefined): RawMessageStreamEvent[] {
    const events = this.#start(undefined);
    // The answer always has a text block, even an empty one, like `messages.create` returns.
    if (this.#blocks === 0) events.push(...this.#openBlock('text'));
    events.push(...this.#closeBlock());
    const stopSequence = this.stopSequence;
    this.#stopReason = stopSequence === null ? toStopReason(response?.stopReason) : 'stop_sequence';
    // A run stopped early reports no usage; estimate its output at ~4 characters per token.
    const outputTokens = response === undefined ? Math.ceil(this.#text.length / 4) : undefined;
    events.push(
      {
        type: 'message_delta',
        delta: {
          stop_reason: this.#stopReason,
          stop_sequence: stopSequence,
          container: null,
          stop_details: null,
        },
        usage: toDeltaUsage(response?.metrics, outputTokens),
      },
      { type: 'message_stop' },
    );
    return events;
  }

  #writeText(delta: string, source: CliMessage): RawMessageStreamEvent[] {
    const events = [...this.#start(source), ...this.#openBlock('text')];
    const { text } = this.#scanner.push(delta);
    if (text !== '') events.push(this.#textDelta(text));
    return events;
  }

  #writeThinking(delta: string, source: CliMessage): RawMessageStreamEvent[] {
    const events = [...this.#start(source), ...this.#openBlock('thinking')];
    const index = this.#open?.index ?? 0;
    events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: delta } });
    return events;
  }

  #textDelta(text: string): RawMessageStreamEvent {
    this.#text += text;
    return {
      type: 'content_block_delta',
      index: this.#open?.index ?? 0,
      delta: { type: 'text_delta', text },
    };
  }

  #start(source: CliMessage | undefined): RawMessageStreamEvent[] {
    if (this.#started) return [];
    this.#started = true;
    const id = (source && cliMessageId(source)) || generateMessageId();
    const message = createMessage({
      id,
      model: this.#model,
      content: [],
      stopReason: null,
      stopSequence: null,
      usage: toUsage(),
    });
    return [{ type: 'message_start', message }];
  }

  #openBlock(kind: BlockKind): RawMessageStreamEvent[] {
    if (this.#open?.kind === kind) return [];
    const events = this.#closeBlock();
    const index = this.#blocks++;
    this.#open = { kind, index };
    events.push({
      type: 'content_block_start',
      index,
      content_block:
        kind === 'text'
          ? { type: 'text', text: '', citations: null }
          : { type: 'thinking', thinking: '', signature: '' },
    });
    return events;
  }

  #closeBlock(): RawMessageStreamEvent[] {
    const open = this.#open;
    if (open === undefined) return [];
    const events: RawMessageStreamEvent[] = [];
    // A block boundary ends any stop sequence in progress: release what was held back.
    if (open.kind === 'text') {
      const rest = this.#scanner.flush();
      if (rest !== '') events.push(this.#textDelta(rest));
    }
    events.push({ type: 'content_block_stop', index: open.index });
    this.#open = undefined;
    return events;
  }
}

function isTopLevel(message: CliMessage): boolean {
  const parent = message['parent_tool_use_id'];
  return parent === undefined || parent === null;
}
