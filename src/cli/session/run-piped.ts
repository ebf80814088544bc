/**
 * @module
 * The chat without a terminal: each stdin line is a prompt (or a slash command) and each answer is
 * printed as it completes, so `printf 'a\nb\n' | claude-wrapper session` is a two-turn conversation.
 */
import { createInterface } from 'node:readline';
import { ClaudeCodeRunError } from '../../core/errors/index.js';
import { isInterrupt } from '../exit-codes.js';
import { reportError } from '../report-error.js';
import { listenForInterrupt } from '../shared/interrupt.js';
import { toResponseJson } from '../shared/response-json.js';
import type { Chat } from './chat.js';
import { isSlashCommand, runSlashCommand } from './slash-commands.js';

/** Options of the piped chat. */
export interface PipedOptions {
  /** Print each response as one JSON line instead of its text. */
  readonly json: boolean;
  readonly verbose: boolean;
}

/**
 * Answer every line of stdin in one conversation.
 * @returns how many turns failed (the command exits 1 if any did).
 * @throws {@link ClaudeCodeAbortError} on Ctrl-C.
 */
export async function runPiped(chat: Chat, { json, verbose }: PipedOptions): Promise<number> {
  const interrupt = listenForInterrupt();
  const rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  let failed = 0;
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '') continue;
      if (isSlashCommand(line)) {
        const outcome = await runSlashCommand(line, chat, (text) => process.stdout.write(`${text}\n`));
        if (outcome === 'exit') break;
        continue;
      }
      try {
        const response = await chat.turn(line, { signal: interrupt.signal });
        if (json) process.stdout.write(`${JSON.stringify(toResponseJson(response))}\n`);
        else if (!response.isError) process.stdout.write(`${response.content.replace(/\n+$/, '')}\n`);
        if (response.isError) throw new ClaudeCodeRunError(response);
      } catch (error) {
        if (isInterrupt(error)) throw error;
        // One failed turn does not end the conversation; the exit code reports it.
        failed += 1;
        reportError(error, verbose, (text) => void process.stderr.write(text));
      }
    }
  } finally {
    rl.close();
    interrupt.dispose();
  }
  return failed;
}
