/**
 * @module
 * `claude-wrapper session`: an interactive REPL on a terminal, line-by-line answers otherwise.
 */
import { ClaudeCodeAbortError } from '../../core/errors/index.js';
import { EXIT } from '../exit-codes.js';
import { createWrapper } from '../shared/create-wrapper.js';
import { toRunOptions, type RunFlags } from '../shared/run-flags.js';
import { Chat } from './chat.js';
import { runPiped } from './run-piped.js';
import { runRepl } from './run-repl.js';

/** Flags of `session`. */
export interface SessionFlags extends RunFlags {
  readonly resume?: string;
  readonly json?: boolean;
}

/** Run `session`. */
export async function runSession(flags: SessionFlags, verbose: boolean): Promise<void> {
  const options = await toRunOptions(flags);
  const wrapper = createWrapper();
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !flags.json;
  const chat = new Chat(wrapper, {
    ...options,
    // Token deltas only matter when someone watches them arrive.
    includePartialMessages: interactive,
    ...(flags.resume === undefined ? {} : { resume: flags.resume }),
  });
  try {
    if (interactive) {
      if ((await runRepl(chat, verbose)) === 'interrupted') throw new ClaudeCodeAbortError('SIGINT');
    } else {
      const failed = await runPiped(chat, { json: flags.json === true, verbose });
      if (failed > 0) process.exitCode = EXIT.runFailed;
    }
  } finally {
    await chat.close();
  }
}
