/**
 * @module
 * Batch progress on stderr. On a terminal: one redrawn line with a bar, rate, ETA and cost, and a
 * persistent line per failure. Otherwise (pipes, CI logs, NO_COLOR): one plain line per item.
 */
import { formatDuration, formatUsd } from '../shared/format.js';
import { CLEAR_LINE, createStyle, isFancy, type OutputStream } from '../shared/terminal.js';
import type { BatchRecord } from './results-log.js';

/** Receives finished items. */
export interface Progress {
  itemDone(record: BatchRecord): void;
  /** Erase the live line; call once at the end. */
  finish(): void;
}

const BAR_WIDTH = 24;
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Progress for `total` items to run. */
export function createProgress(total: number, stream: OutputStream = process.stderr): Progress {
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
    ].join(' · ');
  };
  const draw = (): void => {
    const filled = Math.round((done / Math.max(total, 1)) * BAR_WIDTH);
    const bar = `${style.green('█'.repeat(filled))}${style.dim('░'.repeat(BAR_WIDTH - filled))}`;
    stream.write(`${CLEAR_LINE}${FRAMES[frame++ % FRAMES.length] ?? ''} ${bar} ${status()}`);
  };
  const timer = fancy ? setInterval(draw, 120) : undefined;
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
      } else {
        stream.write(`[${done}/${total}] ${what} · ${status()}\n`);
      }
    },
    finish() {
      if (timer) clearInterval(timer);
      if (fancy) stream.write(CLEAR_LINE);
    },
  };
}
