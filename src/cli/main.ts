#!/usr/bin/env node
/**
 * @module
 * `claude-wrapper`: the command-line face of the toolkit. This file only runs the program and turns
 * failures into one line on stderr and a documented exit code (see {@link EXIT}).
 */
import { CommanderError } from 'commander';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { handleOutputErrors } from './output-errors.js';
import { createProgram } from './program.js';
import type { GlobalFlags } from './shared/global-flags.js';
import { reportError } from './report-error.js';

// A reader that went away (`| head`) is not an error worth a stack trace: stop quietly (`serve`
// ignores it instead; see output-errors.ts).
handleOutputErrors();

const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
const program = createProgram({ writeOut: write(process.stdout), writeErr: write(process.stderr) });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed its one line (or the help/version text).
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    // Flags may not have been parsed when the error happened, so also look at argv.
    const verbose =
      program.opts<GlobalFlags>().verbose === true || process.argv.slice(2).includes('--verbose');
    reportError(error, verbose, write(process.stderr));
    process.exitCode = exitCodeFor(error);
  }
}
