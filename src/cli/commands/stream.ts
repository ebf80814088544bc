/**
 * @module
 * `claude-wrapper stream <prompt|->`: print the answer token by token.
 */
import type { Command } from 'commander';
import type { StreamFlags } from '../one-shot/run-stream.js';
import { addRunFlags } from '../shared/run-flags.js';

/** Register the `stream` command. */
export function registerStream(program: Command): void {
  const command = program
    .command('stream')
    .description('Ask one question and print the answer as it is generated')
    .argument('<prompt...>', 'the prompt; "-" reads it from stdin')
    .option('-r, --resume <session-id>', 'continue an earlier session');
  addRunFlags(command, { jsonSchema: false })
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper stream "Write a limerick about pipes"
  $ echo "Explain TCP slow start" | claude-wrapper stream - --model sonnet

Ctrl-C stops the answer: the Claude Code CLI is killed, "interrupted" is printed and the exit
code is 130.`,
    )
    .action(async (words: string[], flags: StreamFlags) => {
      const { runStream } = await import('../one-shot/run-stream.js');
      await runStream(words, flags);
    });
}
