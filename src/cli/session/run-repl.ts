/**
 * @module
 * The interactive chat on a terminal: readline with history (up/down arrows), answers streamed as
 * they are generated. Ctrl-C stops the current answer; at an empty prompt, Ctrl-C twice exits (130).
 */
import { createInterface } from 'node:readline';
import { isInterrupt } from '../exit-codes.js';
import { reportError } from '../report-error.js';
import { formatDuration, formatUsd } from '../shared/format.js';
import { createStyle } from '../shared/terminal.js';
import type { Chat } from './chat.js';
import { isSlashCommand, runSlashCommand } from './slash-commands.js';

/** Exit status of the REPL: `exit` for /exit or Ctrl-D, `interrupted` for Ctrl-C twice. */
export type ReplOutcome = 'exit' | 'interrupted';

/** Run the REPL on the terminal until the user leaves. */
export async function runRepl(chat: Chat, verbose: boolean): Promise<ReplOutcome> {
  const style = createStyle(process.stdout);
  const out = (text: string): void => void process.stdout.write(text);
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 1000,
    removeHistoryDuplicates: true,
    prompt: style.cyan('> '),
  });
  let turn: AbortController | undefined;
  let outcome: ReplOutcome = 'exit';
  let armedExit = false;
  rl.on('SIGINT', () => {
    if (turn) return turn.abort();
    if (rl.line !== '' || !armedExit) {
      armedExit = rl.line === '';
      out(armedExit ? `\n${style.dim('(Ctrl-C again or /exit to quit)')}\n` : '\n');
      // Drop the half-typed line, as shells do.
      rl.write(null, { ctrl: true, name: 'u' });
      rl.prompt();
      return;
    }
    outcome = 'interrupted';
    rl.close();
  });
  out(`${style.dim('Claude chat. /help lists commands; Ctrl-D or /exit quits.')}\n`);
  rl.prompt();
  for await (const raw of rl) {
    armedExit = false;
    const line = raw.trim();
    if (line === '') {
      rl.prompt();
      continue;
    }
    if (isSlashCommand(line)) {
      if ((await runSlashCommand(line, chat, (text) => out(`${text}\n`))) === 'exit') break;
      rl.prompt();
      continue;
    }
    turn = new AbortController();
    let atLineStart = true;
    try {
      const response = await chat.turn(line, {
        signal: turn.signal,
        onText: (text) => {
          out(text);
          atLineStart = text.endsWith('\n');
        },
      });
      if (!atLineStart) out('\n');
      if (response.isError) out(`${style.red(`error: ${response.content || response.errors.join('; ')}`)}\n`);
      out(
        `${style.dim(`${formatUsd(response.metrics.costUsd)} · ${formatDuration(response.executionTimeMs)}`)}\n`,
      );
    } catch (error) {
      if (!atLineStart) out('\n');
      if (isInterrupt(error)) out(`${style.dim('(interrupted)')}\n`);
      else reportError(error, verbose, (text) => out(style.red(text)));
    } finally {
      turn = undefined;
    }
    rl.prompt();
  }
  rl.close();
  // A terminal stdin that was read from stays referenced after readline closes; release it so the
  // process can exit once the session's CLI process is gone.
  process.stdin.pause();
  process.stdin.unref();
  return outcome;
}
