#!/usr/bin/env node
/**
 * @module
 * `claude-wrapper`: the command-line face of the toolkit. Errors print one clear line (the cause with
 * `--verbose`), never a stack trace by default.
 */
import { Command } from 'commander';
import { ClaudeCodeError } from '../core/errors/index.js';
import { registerHealth } from './commands/health.js';
import { registerServe } from './commands/serve.js';

const program = new Command()
  .name('claude-wrapper')
  .description('Claude Code CLI as a dependable backend: HTTP proxy, health checks and more')
  .option('--verbose', 'print error causes')
  .showHelpAfterError();

registerServe(program);
registerHealth(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`claude-wrapper: ${message}\n`);
  if (verbose && error instanceof Error && error.cause !== undefined)
    process.stderr.write(`cause: ${String(error.cause)}\n`);
  const usage =
    ClaudeCodeError.isInstance(error) &&
    ['VALIDATION_FAILED', 'CONFIGURATION_INVALID', 'BINARY_NOT_FOUND'].includes(error.code);
  process.exit(usage ? 2 : 1);
});
