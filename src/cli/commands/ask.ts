/**
 * @module
 * `claude-wrapper ask <prompt|->`: one prompt, one answer (text, JSON or stream-json).
 */
import { Option, type Command } from 'commander';
import type { AskFlags } from '../one-shot/run-ask.js';
import { addRunFlags } from '../shared/run-flags.js';

/** Register the `ask` command. */
export function registerAsk(program: Command): void {
  const command = program
    .command('ask')
    .description('Ask one question and print the answer')
    .argument('<prompt...>', 'the prompt; "-" reads it from stdin')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json', 'stream-json'])
        .default('text'),
    )
    .option('--json', 'print the full response as JSON (same as --format json)')
    .option('-r, --resume <session-id>', 'continue an earlier session')
    .option('-c, --continue', 'continue the most recent session in the working directory');
  addRunFlags(command)
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper ask "What is 2 + 2?"
  $ git diff | claude-wrapper ask - --system "Review this diff. Be brief."
  $ claude-wrapper ask --json "Name three primes" | jq '{content, costUsd, sessionId}'
  $ claude-wrapper ask --resume 5f0c...e1 "And three more?"
  $ claude-wrapper ask --tools "" --max-turns 1 --model sonnet "Summarise: $(cat notes.txt)"
  $ claude-wrapper ask --json-schema person.schema.json "Invent a person"   # prints structured output
  $ claude-wrapper ask --format stream-json "Write a haiku"                 # one event per line

--json prints: content, isError, errorType, sessionId, model, costUsd, usage {inputTokens,
outputTokens, ...}, durationMs, numTurns, structuredOutput, ... (keys always present, null if unknown).
A run the CLI reports as failed prints its error on stderr and exits 1 (--json still prints the JSON).`,
    )
    .action(async (words: string[], flags: AskFlags) => {
      const { runAsk } = await import('../one-shot/run-ask.js');
      await runAsk(words, flags);
    });
}
