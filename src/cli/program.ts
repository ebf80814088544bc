/**
 * @module
 * The `claude-wrapper` command tree. Command modules register their flags and help here; each
 * loads its implementation only when it runs, so `--help` and `health` start fast.
 */
import { Command } from 'commander';
import { registerAsk } from './commands/ask.js';
import { registerBatch } from './commands/batch.js';
import { registerBenchmark } from './commands/benchmark.js';
import { registerConfig } from './commands/config.js';
import { registerHealth } from './commands/health.js';
import { registerServe } from './commands/serve.js';
import { registerSession } from './commands/session.js';
import { registerStream } from './commands/stream.js';
import { registerWorker } from './commands/worker.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import type { GlobalFlags } from './shared/global-flags.js';
import { readVersion } from './version.js';

/** Where commander's own messages go (stderr in the real program). */
export interface ProgramOutput {
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
}

/**
 * Build the program. Usage errors throw a `CommanderError` (after one line on stderr) instead of
 * exiting, so `main` owns every exit code.
 */
export function createProgram(output: ProgramOutput): Command {
  const program = new Command()
    .name('claude-wrapper')
    .description(
      'Claude Code as a dependable backend: ask, stream, chat, batch, benchmark, and an ' +
        'Anthropic/OpenAI-compatible HTTP proxy, on your Claude login or API key',
    )
    .version(readVersion(), '-V, --version')
    .option('--verbose', 'on errors, also print the error code, causes and stack')
    .option('--no-color', 'no colours or spinners (also: NO_COLOR=1)')
    // Set before the commands are added: subcommands inherit both.
    .exitOverride()
    .configureOutput({
      writeOut: output.writeOut,
      writeErr: output.writeErr,
      outputError: (text, write) => write(`claude-wrapper: ${oneLine(text)} (see --help)\n`),
    })
    .hook('preAction', (command) => {
      if (command.optsWithGlobals<GlobalFlags>().color === false) process.env['NO_COLOR'] = '1';
    });
  registerAsk(program);
  registerStream(program);
  registerSession(program);
  registerBatch(program);
  registerWorker(program);
  registerBenchmark(program);
  registerServe(program);
  registerHealth(program);
  registerConfig(program);
  program.addHelpText(
    'after',
    `
Examples:
  $ claude-wrapper ask "What is 2 + 2?"
  $ claude-wrapper stream "Write a haiku about pipes"
  $ claude-wrapper chat
  $ claude-wrapper batch prompts.jsonl --concurrency 4
  $ claude-wrapper worker --queue redis://redis:6379
  $ claude-wrapper serve --port 8787
  $ claude-wrapper <command> --help
${EXIT_CODES_HELP}

Environment:
  CLAUDE_CONFIG_PATH   JSON config file (see "claude-wrapper config show")
  CLAUDE_BINARY        path of the claude executable; CLAUDE_MODEL, CLAUDE_TIMEOUT_MS, ... (CLAUDE_*)
  NO_COLOR             plain output even on a terminal`,
  );
  return program;
}

function oneLine(text: string): string {
  return text
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
