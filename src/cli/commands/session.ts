/**
 * @module
 * `claude-wrapper session` (alias `chat`): a multi-turn conversation on one Claude Code process.
 */
import type { Command } from 'commander';
import type { GlobalFlags } from '../shared/global-flags.js';
import type { SessionFlags } from '../session/run-session.js';
import { addRunFlags } from '../shared/run-flags.js';
import { SLASH_HELP } from '../session/slash-commands.js';

/** Register the `session` command. */
export function registerSession(program: Command): void {
  const command = program
    .command('session')
    .alias('chat')
    .description('Chat: a multi-turn conversation (interactive on a terminal, line by line when piped)')
    .option('-r, --resume <session-id>', 'continue an earlier session')
    .option('--json', 'piped mode: print each response as one JSON line');
  addRunFlags(command, { jsonSchema: false })
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper chat
  $ claude-wrapper chat --model sonnet --system "You are a terse Unix expert."
  $ printf 'My name is Ada.\\nWhat is my name?\\n' | claude-wrapper session
  $ claude-wrapper session --json < questions.txt > answers.jsonl

${SLASH_HELP}

On a terminal, answers stream as they are written; Ctrl-C stops an answer, Ctrl-C twice at an
empty prompt exits (130). When stdin is not a terminal, each line is one prompt and each answer
is printed when complete; the exit code is 1 if any turn failed.`,
    )
    .action(async (flags: SessionFlags, cmd: Command) => {
      const { runSession } = await import('../session/run-session.js');
      await runSession(flags, cmd.optsWithGlobals<GlobalFlags>().verbose === true);
    });
}
