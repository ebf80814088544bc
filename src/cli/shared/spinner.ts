/**
 * @module
 * A one-line spinner on stderr while a run is in progress. It draws nothing unless stderr is a
 * fancy terminal (see {@link isFancy}), so scripts never see control characters.
 */
import { CLEAR_LINE, isFancy, type OutputStream } from './terminal.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A running spinner; `stop()` erases it. */
export interface Spinner {
  /** Change the text shown next to the spinner. */
  update(text: string): void;
  /** Erase the spinner line. Idempotent. */
  stop(): void;
}

/** Start a spinner with `text` on `stream` (default stderr); a no-op when not on a terminal. */
export function startSpinner(text: string, stream: OutputStream = process.stderr): Spinner {
  if (!isFancy(stream)) return { update() {}, stop() {} };
  let label = text;
  let frame = 0;
  const draw = (): void => {
    stream.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length] ?? ''} ${label}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 80);
  // The spinner must never be what keeps the process alive.
  timer.unref();
  let stopped = false;
  return {
    update(next) {
      label = next;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write(CLEAR_LINE);
    },
  };
}
