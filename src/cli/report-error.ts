/**
 * @module
 * How an error reaches the user: one line on stderr, never a stack trace unless `--verbose`, which
 * adds the error code, the chain of causes and the stack.
 */
import { ClaudeCodeError } from '../core/errors/index.js';
import { isInterrupt } from './exit-codes.js';

/** Where error text goes; stderr in the real program. */
export type ErrorWriter = (text: string) => void;

/**
 * Print `error` as one line (`claude-wrapper: <message>`); with `verbose`, also its code, causes
 * and stack.
 */
export function reportError(error: unknown, verbose: boolean, write: ErrorWriter): void {
  write(`claude-wrapper: ${isInterrupt(error) ? 'interrupted' : oneLine(messageOf(error))}\n`);
  if (!verbose) return;
  if (ClaudeCodeError.isInstance(error)) write(`  code: ${error.code}\n`);
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
    write(`  cause: ${oneLine(messageOf(cause))}\n`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (error instanceof Error && error.stack) write(`${indent(error.stack)}\n`);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Messages can carry a CLI's stderr tail; a shell user wants a single line they can grep.
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
