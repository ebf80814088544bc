/**
 * @module
 * Batch progress on stderr. On a terminal: one redrawn line with a bar, rate, ETA and cost, and a
 * persistent line per failure. Otherwise (pipes, CI logs, NO_COLOR): one plain line per item, or
 * with `periodicMs` (a queued batch, whose items may finish by the thousand) a status line at that
 * interval when something changed, and a line per failure.
 */
import { formatDuration, formatUsd } from '../shared/format.js';
import { CLEAR_LINE, createStyle, isFancy, type OutputStream } from '../shared/terminal.js';
import type { BatchRecord } from './results-log.js';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Without a terminal: a status line this often instead of a line per item. @unit milliseconds */
  readonly periodicMs?: number | undefined;
  /** More of the status, e.g. `3 running · 2 workers` (called on every redraw). */
  readonly extra?: (() => string | undefined) | undefined;
}

/** Receives finished items. */
export interface Progress {
  itemDone(record: BatchRecord): void;
  /** A line that stays (e.g. "Redis is unavailable"), printed above the live line. */
  note(text: string): void;
  /** Erase the live line; call once at the end. */
  finish(): void;
}

const BAR_WIDTH = 24;
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Progress for `total` items to run. */
export function createProgress(
  total: number,
  stream: OutputStream = process.stderr,
  { periodicMs, extra }: ProgressOptions = {},
): Progress {
  const style = createStyle(stream);
  const fancy = isFancy(stream);
  const started = performance.now();
  let done = 0;
  let failed = 0;
  let cost = 0;
  let frame = 0;

  const status = (): string => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? ((total - done) / rate) * 1000 : Number.NaN;
    return [
      ...(fancy ? [`${done}/${total}`] : []),
      ...(failed > 0 ? [style.red(`${failed} failed`)] : []),
      `${rate.toFixed(2)}/s`,
      `ETA ${done === total ? '0 ms' : formatDuration(eta)}`,
      `${formatUsd(cost)} so far`,
      ...[extra?.()].filter((text): text is string => Boolean(text)),
    ].join(' · ');
  };
  const draw = (): void => {
    const filled = Math.round((done / Math.max(total, 1)) * BAR_WIDTH);
    const bar = `${style.green('█'.repeat(filled))}${style.dim('░'.repeat(BAR_WIDTH - filled))}`;
    stream.write(`${CLEAR_LINE}${FRAMES[frame++ % FRAMES.length] ?? ''} ${bar} ${status()}`);
  };
  // Periodic lines start once something finished: the submitter has said what it queued.
  let reported = 0;
  const periodic = (): void => {
    if (done === reported) return;
    reported = done;
    stream.write(`[${done}/${total}] ${status()}\n`);
  };
  const timer = fancy
    ? setInterval(draw, 120)
    : periodicMs === undefined
      ? undefined
      : setInterval(periodic, periodicMs);
  timer?.unref();
  if (fancy) draw();

  return {
    itemDone(record) {
      done += 1;
      cost += record.costUsd;
      if (!record.ok) failed += 1;
      const what = record.ok
        ? `ok ${record.id} (${formatDuration(record.durationMs)}, ${formatUsd(record.costUsd)})`
        : `failed ${record.id}: ${record.error.code}: ${record.error.message}`;
      if (fancy) {
        if (!record.ok) stream.write(`${CLEAR_LINE}${style.red('✗')} ${what}\n`);
        draw();
      } else if (periodicMs === undefined) {
        stream.write(`[${done}/${total}] ${what} · ${status()}\n`);
      } else if (!record.ok) {
        stream.write(`${what}\n`);
      }
    },
    note(text) {
      stream.write(fancy ? `${CLEAR_LINE}${text}\n` : `${text}\n`);
      if (fancy) draw();
    },
    finish() {
      if (timer) clearInterval(timer);
      if (fancy) stream.write(CLEAR_LINE);
      else if (periodicMs !== undefined) periodic();
    },
  };
}
