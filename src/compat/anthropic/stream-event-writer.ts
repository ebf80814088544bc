/**
 * @module
 * The state machine behind `toStreamEvents`: which content block is open, what text is held back
 * for stop sequences, and the API events each CLI event turns into. Pure (no I/O), so it is unit
 * tested without a CLI.
 *
 * Client tools: a `tool_use` block whose name is one of the caller's tools is written as the API
 * writes it (`content_block_start` with `input: {}`, then `input_json_delta` fragments). When the
 * model message ends with `stop_reason: tool_use` and holds such calls, the writer reports
 * {@link StreamEventWriter.suspendedOn}: the answer ends there and the run waits for the results.
 * Calls of Claude Code's own tools stay internal, as before.
 *
 * A broken upstream stream: the CLI asks again without streaming and prints the new answer whole,
 * under a new id. What was streamed of the abandoned message cannot be taken back from a client
 * that reads the stream, so a new answer that does not start with it fails the answer (502); an
 * answer folded before anyone sees it ({@link StreamEventWriterOptions.replaceable}) is rewound to
 * where that message started and takes the new answer instead.
 *
 * Usage: the CLI's result reports the whole run, so an answer that covers all of it (no client tool
 * calls) reports the result's metrics; an answer that ends at client tool calls, or that continues a
 * run after their results ({@link StreamEventWriterOptions.continued}), reports only the API
 * messages it streamed ({@link AnswerUsage}), so the pieces of a run add up to the run.
 *
 * Structured output ({@link StreamEventWriterOptions.structuredOutput}): the CLI answers through its
 * internal `StructuredOutput` tool, and the document arrives with the run's result. The model's own
 * text around that call is held back, and {@link StreamEventWriter.finish} writes the document
 * (`JSON.stringify(response.structuredOutput)`) as the answer's one text block, so the streamed
 * text and the folded `Message` are both the JSON document. A run that ended without one falls back
 * to the CLI's result text.
 */
import type {
  Message,
  MessageDeltaUsage,
  RawMessageStreamEvent,
  StopReason,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import { asRecord, numberField, stringField, type CliMessage } from '../../core/cli-message.js';
import type { ClaudeEvent } from '../../core/events.js';
import type { ClaudeCodeResponse } from '../../core/response.js';
import { ClientCalls } from './client-calls.js';
import { AnswerUsage } from './answer-usage.js';
import { AnthropicApiError } from './errors.js';
import { accumulateEvent } from './message-accumulator.js';
import { StopSequenceScanner } from './stop-sequences.js';
import {
  cliMessageId,
  createMessage,
  generateMessageId,
  textBlock,
  toDeltaUsage,
  toStopReason,
  toUsage,
} from './to-message.js';

type BlockKind = 'text' | 'thinking' | 'tool_use';

/** Options of {@link StreamEventWriter}. */
export interface StreamEventWriterOptions {
  /**
   * The model id as requested. `message_start` names the model that ran (from the first upstream
   * `message_start`, else the CLI's `init` line); this is the fallback when the run named none.
   */
  readonly model: string;
  /** Cut the answer at the first of these and stop the run (`stop_reason: 'stop_sequence'`). */
  readonly stopSequences?: readonly string[] | undefined;
  /** Emit thinking blocks (only when the request enabled thinking). @default false */
  readonly includeThinking?: boolean | undefined;
  /** Names of the caller's tools; a model message ending in calls to them ends the answer (and suspends the run). */
  readonly clientTools?: ReadonlySet<string> | undefined;
  /**
   * The answer continues a run after client tool results: events are ignored until the next model
   * message starts (the run still has the tail of the message that suspended it buffered), and the
   * usage is that of the answer's own API messages, not the run's result. @default false
   */
  readonly continued?: boolean | undefined;
  /**
   * The run has a `jsonSchema`: hold back the model's text and answer with the structured output
   * from the result (see the module comment). @default false
   */
  readonly structuredOutput?: boolean | undefined;
  /**
   * The events are folded into one `Message` before anyone sees them (`messages.create`): an
   * abandoned upstream message may be taken back (see the module comment). A later `message_start`
   * then restarts the fold with the answer as it was before that message. @default false
   */
  readonly replaceable?: boolean | undefined;
}

/** The writer's state where an upstream message started (for {@link StreamEventWriterOptions.replaceable}). */
interface Checkpoint {
  readonly started: boolean;
  /** The answer folded so far (undefined before `message_start`). */
  readonly answer: Message | undefined;
  readonly blocks: number;
  readonly open: { kind: BlockKind; index: number } | undefined;
  readonly text: string;
  readonly held: string;
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
  /** The API message being streamed (from its `message_start`), and the text its deltas carried. */
  #streamedMessageId: string | undefined;
  #streamedText = '';
  #stopReason: StopReason = 'end_turn';
  #awaitingStart: boolean;
  readonly #continued: boolean;
  readonly #usage = new AnswerUsage();
  readonly #calls: ClientCalls;
  readonly #structured: boolean;
  /** The model the CLI's `init` line names. */
  #initModel: string | undefined;
  /** The first upstream API message of the run: the model that answered and the input usage. */
  #upstream: { model: string | undefined; usage: Usage } | undefined;
  readonly #replaceable: boolean;
  /** With `replaceable`: the fold of every event written, and where the current message started. */
  #answer: Message | undefined;
  #checkpoint: Checkpoint | undefined;

  constructor(options: StreamEventWriterOptions) {
    this.#model = options.model;
    this.#includeThinking = options.includeThinking ?? false;
    this.#scanner = new StopSequenceScanner(options.stopSequences ?? []);
    this.#calls = new ClientCalls(options.clientTools);
    this.#continued = options.continued ?? false;
    this.#awaitingStart = this.#continued;
    this.#structured = options.structuredOutput ?? false;
    this.#replaceable = options.replaceable ?? false;
  }

  /** The client tool calls (ids) the answer ended with, once the model stopped for them. */
  get suspendedOn(): readonly string[] | undefined {
    return this.#calls.suspendedOn;
  }

  /** The caller's names of the tools of {@link suspendedOn}, call by call. */
  get suspendedTools(): readonly string[] | undefined {
    return this.#calls.suspendedTools;
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
    const events = this.#write(event);
    if (this.#replaceable)
      for (const written of events) this.#answer = accumulateEvent(this.#answer, written);
    return events;
  }

  #write(event: ClaudeEvent): RawMessageStreamEvent[] {
    if (this.stopSequence !== null || this.suspendedOn || !isTopLevel(event.message)) return [];
    if (event.type === 'session_start') this.#initModel ??= event.model;
    if (this.#awaitingStart && event.type !== 'message_start') return [];
    switch (event.type) {
      case 'message_start':
        this.#upstream ??= {
          model: ranModel(event.model),
          // Input counts only: the output is counted at the end.
          usage: toUsage({
            inputTokens: event.inputTokens,
            cacheReadInputTokens: event.cacheReadInputTokens,
            cacheCreationInputTokens: event.cacheCreationInputTokens,
          }),
        };
        this.#awaitingStart = false;
        this.#streamedMessageId = event.messageId;
        this.#streamedText = '';
        this.#deltasInMessage = false;
        this.#calls.messageStarted();
        this.#usage.started(event);
        if (this.#replaceable) this.#checkpoint = this.#takeCheckpoint();
        return [];
      case 'text_delta':
        this.#deltasInMessage = true;
        this.#streamedText += event.text;
        return this.#structured ? [] : this.#writeText(event.text, event.message);
      case 'thinking_delta':
        this.#deltasInMessage = true;
        return this.#includeThinking ? this.#writeThinking(event.thinking, event.message) : [];
      case 'tool_use_start': {
        this.#deltasInMessage = true;
        const name = this.#calls.clientToolName(event.name);
        if (name === undefined) return [];
        return this.#startToolUse(event.id, name, event.index, event.message);
      }
      case 'tool_input_delta': {
        const index = this.#calls.blockFor(event.index);
        if (index === undefined || this.#open?.index !== index) return [];
        return [
          {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: event.partialJson },
          },
        ];
      }
      case 'message_delta':
        this.#calls.messageEnded(event);
        this.#usage.ended(event);
        return [];
      case 'assistant_message': {
        // Without partial messages the whole text only arrives here; with them it was already sent.
        const sawDeltas = this.#deltasInMessage;
        this.#deltasInMessage = false;
        if (event.isApiError) return [];
        // Without partial messages the API message is only known from here.
        this.#upstream ??= upstreamOf(event.message);
        this.#usage.completed(event.message);
        if (!sawDeltas) return this.#writeWholeBlocks(event);
        if (this.#structured) return [];
        const id = cliMessageId(event.message);
        if (id === undefined || this.#streamedMessageId === undefined || id === this.#streamedMessageId)
          return [];
        return this.#replaceAbandoned(event);
      }
      default:
        return [];
    }
  }

  /**
   * The streamed message was abandoned (the upstream stream broke and the CLI asked again without
   * streaming), and `event` is its replacement, complete. What was streamed cannot be taken back:
   * when the replacement starts with it, the rest follows as more deltas; otherwise the answer
   * already sent is void and the stream fails (502, retryable) rather than end as a wrong answer.
   */
  #replaceAbandoned(event: Extract<ClaudeEvent, { type: 'assistant_message' }>): RawMessageStreamEvent[] {
    const streamed = this.#streamedText;
    this.#streamedMessageId = undefined;
    this.#streamedText = '';
    if (!event.text.startsWith(streamed) || this.#calls.openedInMessage > 0) {
      const checkpoint = this.#checkpoint;
      if (checkpoint === undefined) {
        throw new AnthropicApiError(
          502,
          'api_error',
          'The upstream answer stream broke and Claude Code asked again; the new answer differs from the part already sent, so this answer is void. Retry the request.',
        );
      }
      // Nobody saw the abandoned part: go back to where its message started and take the new one.
      return [...this.#rewind(checkpoint), ...this.#writeReplacement(event)];
    }
    const rest = event.text.slice(streamed.length);
    const content = [
      ...(rest === '' ? [] : [{ type: 'text', text: rest }]),
      ...event.content.filter((block) => block.type !== 'text'),
    ] as typeof event.content;
    return this.#writeReplacement({ ...event, content });
  }

  /**
   * The blocks of a message that arrived whole instead of streamed. Its stop reason comes with it
   * (no `message_delta` follows), so it may end the answer at client tool calls.
   */
  #writeReplacement(event: Extract<ClaudeEvent, { type: 'assistant_message' }>): RawMessageStreamEvent[] {
    const events = this.#writeWholeBlocks(event);
    const stopReason = stringField(asRecord(event.message['message']), 'stop_reason') ?? null;
    this.#calls.messageEnded({ type: 'message_delta', stopReason, outputTokens: 0, message: event.message });
    return events;
  }

  #takeCheckpoint(): Checkpoint {
    return {
      started: this.#started,
      answer: this.#answer === undefined ? undefined : structuredClone(this.#answer),
      blocks: this.#blocks,
      open: this.#open,
      text: this.#text,
      held: this.#scanner.held,
    };
  }

  /**
   * Back to `checkpoint`: the writer's state, and the fold's (a `message_start` carrying the answer
   * as it was then restarts it; before any output, the next `message_start` will).
   */
  #rewind(checkpoint: Checkpoint): RawMessageStreamEvent[] {
    this.#started = checkpoint.started;
    this.#blocks = checkpoint.blocks;
    this.#open = checkpoint.open;
    this.#text = checkpoint.text;
    this.#scanner.restore(checkpoint.held);
    this.#calls.messageStarted();
    const answer = checkpoint.answer;
    return answer === undefined ? [] : [{ type: 'message_start', message: structuredClone(answer) }];
  }

  /** The closing events. `response` is undefined when a stop sequence ended the run. */
  finish(response: ClaudeCodeResponse | undefined): RawMessageStreamEvent[] {
    const events = this.#start(undefined);
    if (this.#structured && response !== undefined && !this.suspendedOn) {
      events.push(...this.#writeText(structuredText(response), undefined));
    }
    // The answer always has a text block, even an empty one, like `messages.create` returns.
    if (this.#blocks === 0) events.push(...this.#openBlock('text'));
    events.push(...this.#closeBlock());
    const stopSequence = this.stopSequence;
    this.#stopReason = this.suspendedOn
      ? 'tool_use'
      : stopSequence === null
        ? toStopReason(response?.stopReason)
        : 'stop_sequence';
    events.push(
      {
        type: 'message_delta',
        delta: {
          stop_reason: this.#stopReason,
          stop_sequence: stopSequence,
          container: null,
          stop_details: null,
        },
        usage: this.#finalUsage(response),
      },
      { type: 'message_stop' },
    );
    return events;
  }

  #finalUsage(response: ClaudeCodeResponse | undefined): MessageDeltaUsage {
    // A suspended run has no result yet, and a continued one's result covers the earlier pieces
    // too: report what the API said for this answer's own messages.
    if (this.suspendedOn || (this.#continued && response !== undefined)) return this.#usage.total();
    if (response !== undefined) return toDeltaUsage(response.metrics);
    // A run stopped early reports no usage; estimate its output at ~4 characters per token.
    return toDeltaUsage(undefined, Math.ceil(this.#text.length / 4));
  }

  /** Blocks of a complete assistant message (the path without token-level events). */
  #writeWholeBlocks(event: Extract<ClaudeEvent, { type: 'assistant_message' }>): RawMessageStreamEvent[] {
    const events: RawMessageStreamEvent[] = [];
    for (const block of event.content) {
      if (block.type === 'text' && typeof block['text'] === 'string' && block['text'] !== '') {
        if (this.#structured) continue;
        events.push(...this.#writeText(block['text'], event.message));
      } else if (block.type === 'tool_use') {
        const { id, name: modelName, input } = block as { id?: unknown; name?: unknown; input?: unknown };
        if (typeof id !== 'string' || typeof modelName !== 'string') continue;
        const name = this.#calls.clientToolName(modelName);
        if (name === undefined) continue;
        // No CLI block index on this path: number the calls below zero so they never collide.
        const cliIndex = -1 - this.#calls.openedInMessage;
        events.push(...this.#startToolUse(id, name, cliIndex, event.message));
        const index = this.#calls.blockFor(cliIndex) ?? 0;
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(input ?? {}) },
        });
      }
    }
    return events;
  }

  #startToolUse(id: string, name: string, cliIndex: number, source: CliMessage): RawMessageStreamEvent[] {
    const events = [...this.#start(source), ...this.#closeBlock()];
    const index = this.#blocks++;
    this.#open = { kind: 'tool_use', index };
    this.#calls.opened(cliIndex, index, id, name);
    events.push({
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id, name, input: {}, caller: { type: 'direct' } },
    });
    return events;
  }

  #writeText(delta: string, source: CliMessage | undefined): RawMessageStreamEvent[] {
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
      model: this.#upstream?.model ?? this.#initModel ?? this.#model,
      content: [],
      stopReason: null,
      stopSequence: null,
      // The upstream API's own input counts (final at its message_start); output follows at the end.
      usage: this.#upstream === undefined ? toUsage() : { ...this.#upstream.usage },
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
      content_block: kind === 'thinking' ? { type: 'thinking', thinking: '', signature: '' } : textBlock(''),
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

/** The answer text of a structured-output run: the document, or the CLI's text when it gave none. */
function structuredText(response: ClaudeCodeResponse): string {
  return response.structuredOutput === undefined
    ? response.content
    : JSON.stringify(response.structuredOutput);
}

/** A model name the API reported, unless it is the CLI's marker for its own synthetic messages. */
function ranModel(model: string | undefined): string | undefined {
  return model === undefined || model === '' || model === '<synthetic>' ? undefined : model;
}

/** The model and input usage of the API message an `assistant` line carries. */
function upstreamOf(line: CliMessage): { model: string | undefined; usage: Usage } | undefined {
  const body = asRecord(line['message']);
  const model = ranModel(stringField(body, 'model'));
  const usage = asRecord(body?.['usage']);
  if (model === undefined && usage === undefined) return undefined;
  return {
    model,
    usage: toUsage({
      inputTokens: numberField(usage, 'input_tokens'),
      cacheReadInputTokens: numberField(usage, 'cache_read_input_tokens'),
      cacheCreationInputTokens: numberField(usage, 'cache_creation_input_tokens'),
    }),
  };
}

function isTopLevel(message: CliMessage): boolean {
  const parent = message['parent_tool_use_id'];
  return parent === undefined || parent === null;
}
