/**
 * @module
 * `claude-wrapper stream`: print the answer as it is generated. Ctrl-C aborts the run (the Claude
 * Code CLI is killed), prints `interrupted` and exits with 130.
 */
import type { ClaudeRun } from '../../client/claude-run.js';
import { ClaudeCodeRunError } from '../../core/errors/index.js';
import type { ClaudeEvent } from '../../core/events.js';
import { createWrapper } from '../shared/create-wrapper.js';
import { listenForInterrupt } from '../shared/interrupt.js';
import { readPrompt } from '../shared/read-input.js';
import { toRunOptions, type RunFlags } from '../shared/run-flags.js';
import { createStyle, isFancy } from '../shared/terminal.js';
import { printRunFooter } from './run-footer.js';

/** Flags of `stream`. */
export interface StreamFlags extends RunFlags {
  readonly resume?: string;
}

/**
 * Run `stream`.
 * @throws {@link ClaudeCodeAbortError} on Ctrl-C (exit 130); {@link ClaudeCodeRunError} when the
 * CLI reported the run as failed (exit 1).
 */
export async function runStream(words: readonly string[], flags: StreamFlags): Promise<void> {
  const options = await toRunOptions(flags);
  const prompt = await readPrompt(words);
  const wrapper = createWrapper();
  const run =
    flags.resume === undefined
      ? wrapper.runStreaming(prompt, options)
      : wrapper.resumeSessionStreaming(flags.resume, prompt, options);
  const interrupt = listenForInterrupt(() => run.abort());
  const printer = new TextPrinter();
  try {
    await printer.print(run);
    const response = await run.result;
    if (response.isError) throw new ClaudeCodeRunError(response);
    if (!printer.printedAny) printer.write(response.content);
    printer.endLine();
    printRunFooter(response);
  } finally {
    // Leave the shell prompt on its own line even when the answer was cut short.
    printer.endLine();
    interrupt.dispose();
  }
}

/** Writes text deltas to stdout and notes tool calls and API retries on a terminal's stderr. */
class TextPrinter {
  printedAny = false;
  #atLineStart = true;
  #separate = false;
  readonly #notes = isFancy(process.stderr);
  readonly #style = createStyle(process.stderr);

  async print(run: ClaudeRun): Promise<void> {
    for await (const event of run) this.#onEvent(event);
  }

  write(text: string): void {
    if (text === '') return;
    if (this.#separate) this.#out(this.#atLineStart ? '\n' : '\n\n');
    this.#separate = false;
    this.#out(text);
    this.printedAny = true;
  }

  endLine(): void {
    if (!this.#atLineStart) this.#out('\n');
  }

  #onEvent(event: ClaudeEvent): void {
    switch (event.type) {
      case 'text_delta':
        this.write(event.text);
        break;
      case 'assistant_message':
        // The next model message (after a tool round) starts a new paragraph.
        this.#separate = this.printedAny;
        break;
      case 'tool_use':
        this.#note(`[tool ${event.name}]`);
        break;
      case 'api_retry':
        this.#note(
          `[API error${event.errorStatus ? ` ${event.errorStatus}` : ''}, retry ${event.attempt}/${event.maxRetries}]`,
        );
        break;
      default:
        break;
    }
  }

  #note(text: string): void {
    if (!this.#notes) return;
    this.endLine();
    process.stderr.write(`${this.#style.dim(text)}\n`);
  }

  #out(text: string): void {
    process.stdout.write(text);
    this.#atLineStart = text.endsWith('\n');
  }
}
