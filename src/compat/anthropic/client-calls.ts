/**
 * @module
 * `ClientCalls`: the stream writer's bookkeeping for client tool calls, per model message: which
 * CLI content block became which answer block, which calls the message made, whether it ended
 * waiting for them (`stop_reason: tool_use`).
 */
import type { MessageDeltaEvent } from '../../core/events.js';
import { callerToolName } from '../../tools/client-tool.js';

/** See the module comment. */
export class ClientCalls {
  readonly #names: ReadonlySet<string>;
  /** CLI block index → answer block index, for the current model message. */
  #blocks = new Map<number, number>();
  #calls: { id: string; name: string }[] = [];
  #suspendedOn: readonly { id: string; name: string }[] | undefined;

  /** @param names The caller's tool names. */
  constructor(names: ReadonlySet<string> = new Set()) {
    this.#names = names;
  }

  /**
   * The caller's name for a call the model made as `modelName`, when it is one of the caller's tools
   * (a Claude Code tool's name is namespaced for the model: see `modelToolName`); undefined for
   * Claude Code's own tools, which stay internal.
   */
  clientToolName(modelName: string): string | undefined {
    const name = callerToolName(modelName);
    return name !== undefined && this.#names.has(name) ? name : undefined;
  }

  /** The calls (ids) the answer ended with, once the model stopped for them. */
  get suspendedOn(): readonly string[] | undefined {
    return this.#suspendedOn?.map((call) => call.id);
  }

  /** The caller's names of the tools the answer ended calling (one per call), once it stopped. */
  get suspendedTools(): readonly string[] | undefined {
    return this.#suspendedOn?.map((call) => call.name);
  }

  /** A model message started: forget the previous one's blocks. */
  messageStarted(): void {
    this.#blocks = new Map();
    this.#calls = [];
  }

  /** A client call of the caller's tool `name` was opened as answer block `index` (from CLI block `cliIndex`). */
  opened(cliIndex: number, index: number, id: string, name: string): void {
    this.#blocks.set(cliIndex, index);
    this.#calls.push({ id, name });
  }

  /** The answer block for CLI block `cliIndex`, if it is a client call. */
  blockFor(cliIndex: number): number | undefined {
    return this.#blocks.get(cliIndex);
  }

  /** Client calls opened so far in this message (used to number calls without a CLI index). */
  get openedInMessage(): number {
    return this.#calls.length;
  }

  /** The message's stop reason arrived: it suspends the run if it stopped for client calls. */
  messageEnded(event: MessageDeltaEvent): void {
    if (event.stopReason === 'tool_use' && this.#calls.length > 0) this.#suspendedOn = [...this.#calls];
  }
}
