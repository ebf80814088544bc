/**
 * @module
 * The command line's exit codes and the one place that maps an error to one of them, so every
 * command agrees on what a shell script sees.
 */
import { ClaudeCodeError } from '../core/errors/index.js';

/** Exit codes of `claude-wrapper`. Documented in `--help` and the README; never change their meaning. */
export const EXIT = {
  /** Everything worked. */
  ok: 0,
  /** A run failed: the CLI reported an error (`isError`), crashed, timed out, or a batch item failed. */
  runFailed: 1,
  /** Bad flags, arguments, input file or configuration: fix the call, retrying will not help. */
  usage: 2,
  /** Interrupted with Ctrl-C (SIGINT), as shells report 128 + 2. */
  interrupted: 130,
} as const;

/** One of the {@link EXIT} values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in how the command was called (flags, arguments, input files). Exits with 2. */
export class CliUsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliUsageError';
  }
}

// Library codes that mean "the setup is wrong", not "this run failed": retrying cannot help.
const USAGE_CODES: ReadonlySet<string> = new Set([
  'VALIDATION_FAILED',
  'CONFIGURATION_INVALID',
  'BINARY_NOT_FOUND',
]);

/** True for errors that should exit with {@link EXIT.usage}. */
export function isUsageError(error: unknown): boolean {
  if (error instanceof CliUsageError) return true;
  return ClaudeCodeError.isInstance(error) && USAGE_CODES.has(error.code);
}

/** True when the error means the user interrupted the run. */
export function isInterrupt(error: unknown): boolean {
  return ClaudeCodeError.isInstance(error) && error.code === 'ABORTED';
}

/** The exit code for an error that reached the top level. */
export function exitCodeFor(error: unknown): ExitCode {
  if (isInterrupt(error)) return EXIT.interrupted;
  if (isUsageError(error)) return EXIT.usage;
  return EXIT.runFailed;
}

/** The `--help` epilogue that documents {@link EXIT}. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    ok
  1    run failed (the CLI reported an error, crashed or timed out; a batch item failed)
  2    usage or configuration error (bad flag, argument, input file or config value)
  130  interrupted (Ctrl-C)`;
