/**
 * @module
 * `claude-wrapper ask`: one prompt, one answer. Text goes to stdout; `--json` prints the stable
 * response JSON; `--format stream-json` prints one event per line as the run progresses.
 */
import type { RunOptions } from '../../client/run-options.js';
import type { ClaudeCodeWrapper } from '../../client/wrapper.js';
import { ClaudeCodeRunError } from '../../core/errors/index.js';
import type { ClaudeCodeResponse } from '../../core/response.js';
import { CliUsageError } from '../exit-codes.js';
import { createWrapper } from '../shared/create-wrapper.js';
import { listenForInterrupt } from '../shared/interrupt.js';
import { readPrompt } from '../shared/read-input.js';
import { toEventJson, toResponseJson } from '../shared/response-json.js';
import { toRunOptions, type RunFlags } from '../shared/run-flags.js';
import { startSpinner } from '../shared/spinner.js';
import { printRunFooter } from './run-footer.js';

/** Output formats of `ask`. */
export const ASK_FORMATS = ['text', 'json', 'stream-json'] as const;

/** Flags of `ask`. */
export interface AskFlags extends RunFlags {
  readonly format?: (typeof ASK_FORMATS)[number];
  readonly json?: boolean;
  readonly resume?: string;
  readonly continue?: boolean;
}

/**
 * Run `ask`.
 * @throws {@link ClaudeCodeRunError} after printing, when the CLI reported the run as failed (exit 1).
 */
export async function runAsk(words: readonly string[], flags: AskFlags): Promise<void> {
  const format = flags.json ? 'json' : (flags.format ?? 'text');
  if (flags.resume !== undefined && flags.continue) {
    throw new CliUsageError('--resume and --continue cannot be used together');
  }
  if (flags.continue && format === 'stream-json') {
    throw new CliUsageError('--continue cannot stream events yet; use --format text or json');
  }
  const options = await toRunOptions(flags);
  const prompt = await readPrompt(words);
  const wrapper = createWrapper();
  const interrupt = listenForInterrupt();
  try {
    const call: RunOptions = { ...options, signal: interrupt.signal };
    const response =
      format === 'stream-json'
        ? await streamEvents(wrapper, prompt, call, flags.resume)
        : await waitForResponse(wrapper, prompt, call, flags);
    if (format === 'json') process.stdout.write(`${JSON.stringify(toResponseJson(response), null, 2)}\n`);
    if (format === 'text') printText(response);
    if (response.isError) throw new ClaudeCodeRunError(response);
  } finally {
    interrupt.dispose();
  }
}

async function waitForResponse(
  wrapper: ClaudeCodeWrapper,
  prompt: string,
  call: RunOptions,
  flags: AskFlags,
): Promise<ClaudeCodeResponse> {
  const spinner = startSpinner('Asking Claude...');
  try {
    if (flags.resume !== undefined) return await wrapper.resumeSession(flags.resume, prompt, call);
    if (flags.continue) return await wrapper.continueLastSession(prompt, call);
    return await wrapper.run(prompt, call);
  } finally {
    spinner.stop();
  }
}

async function streamEvents(
  wrapper: ClaudeCodeWrapper,
  prompt: string,
  call: RunOptions,
  resume: string | undefined,
): Promise<ClaudeCodeResponse> {
  const run =
    resume === undefined
      ? wrapper.runStreaming(prompt, call)
      : wrapper.resumeSessionStreaming(resume, prompt, call);
  for await (const event of run) process.stdout.write(`${JSON.stringify(toEventJson(event))}\n`);
  return run.result;
}

function printText(response: ClaudeCodeResponse): void {
  // A failed run's explanation is printed once, as the error line on stderr.
  if (response.isError) return;
  const text =
    response.structuredOutput === undefined
      ? response.content
      : JSON.stringify(response.structuredOutput, null, 2);
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  printRunFooter(response);
}
