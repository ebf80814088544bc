/**
 * @module
 * Ctrl-C handling for commands that run prompts: the first SIGINT aborts the work through an
 * `AbortSignal` (which stops the Claude Code CLI), so the command can report what it has and exit
 * with 130; a second SIGINT exits at once, for when stopping takes too long.
 */
import { ClaudeCodeAbortError } from '../../core/errors/index.js';
import { EXIT } from '../exit-codes.js';

/** A SIGINT listener scoped to one command; call `dispose()` when the work is over. */
export interface Interrupt {
  /** Aborted on the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** Whether Ctrl-C was pressed. */
  readonly interrupted: boolean;
  /** Remove the listener (SIGINT gets its default behaviour back). */
  dispose(): void;
}

/**
 * Listen for Ctrl-C.
 * @param onFirst Called on the first SIGINT, after the signal was aborted (e.g. `run.abort()`).
 */
export function listenForInterrupt(onFirst?: () => void): Interrupt {
  const controller = new AbortController();
  let presses = 0;
  const listener = (): void => {
    presses += 1;
    if (presses > 1) {
      process.stderr.write('claude-wrapper: interrupted\n');
      process.exit(EXIT.interrupted);
    }
    controller.abort(new ClaudeCodeAbortError('SIGINT'));
    onFirst?.();
  };
  process.on('SIGINT', listener);
  return {
    signal: controller.signal,
    get interrupted() {
      return presses > 0;
    },
    dispose() {
      process.off('SIGINT', listener);
    },
  };
}
