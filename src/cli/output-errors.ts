/**
 * @module
 * What a failing stdout or stderr means. For a command that prints and ends, a reader that went
 * away (`| head`) means: stop quietly. For `serve`, whose stdout and stderr are a log collector or
 * a parent that may go away while requests still run, it means nothing: the server keeps serving,
 * and above all keeps honouring SIGTERM (an unhandled 'error', or an exit from inside its handler
 * in the middle of a shutdown, used to leave it half-stopped).
 */
import { EXIT } from './exit-codes.js';

let keepRunning = false;

/** Handle errors of `process.stdout`/`process.stderr` once, at start-up. */
export function handleOutputErrors(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (keepRunning) return;
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      throw error;
    });
  }
}

/** From now on a failing stdout or stderr is ignored (long-running commands such as `serve`). */
export function ignoreOutputErrors(): void {
  keepRunning = true;
}
