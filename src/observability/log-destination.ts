/**
 * @module
 * Where the default logger's lines go: a file descriptor written in batches, that never blocks or
 * throws because its reader went away.
 *
 * pino's own `pino.destination()` (sonic-boom) retries a failed synchronous write forever, 100 ms
 * apart, unless the error is EAGAIN: its flush at process exit spins without end when stderr is a
 * pipe whose reader is gone (EPIPE) or the disk is full. A `serve` whose log collector went away
 * then never finished its SIGTERM: the exit handler hung, the warm `claude` child outlived it.
 * Here a write that fails for any reason but a full pipe drops the batch and stops logging to that
 * descriptor, a full pipe is waited for at most {@link EXIT_FLUSH_BUDGET_MS} at exit, and the
 * batch held in memory is bounded.
 */
import { openSync, write, writeSync } from 'node:fs';

/** Options of {@link LogDestination}. */
export interface LogDestinationOptions {
  /** Write once this much is batched. @unit bytes @default 4096 */
  readonly minLength?: number | undefined;
  /** Write what is batched at least this often (unref'd timer). @unit milliseconds @default 250 */
  readonly flushIntervalMs?: number | undefined;
  /** Drop new lines while this much waits (a reader that stopped reading). @unit bytes @default 4 MiB */
  readonly maxBufferedBytes?: number | undefined;
}

/** How long the exit flush waits for a full pipe before giving up on the batch. */
export const EXIT_FLUSH_BUDGET_MS = 500;

const destinations = new Set<WeakRef<LogDestination>>();
let exitHookInstalled = false;

/** A batched, failure-tolerant line sink for pino (it only needs `write`). */
export class LogDestination {
  readonly #fd: number;
  readonly #minLength: number;
  readonly #maxBuffered: number;
  #batch: string[] = [];
  #batchLength = 0;
  #writing = false;
  #broken = false;
  #dropped = 0;

  /** @param destination File descriptor, or a file path (opened for appending). */
  constructor(destination: number | string, options: LogDestinationOptions = {}) {
    this.#fd = typeof destination === 'number' ? destination : openSync(destination, 'a');
    this.#minLength = options.minLength ?? 4096;
    this.#maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    // The timer holds only a weak reference: a logger nobody uses any more can be collected.
    const self = new WeakRef(this);
    const timer = setInterval(() => {
      const destination = self.deref();
      if (destination) destination.#flushAsync();
      else {
        clearInterval(timer);
        destinations.delete(self);
      }
    }, options.flushIntervalMs ?? 250);
    timer.unref();
    destinations.add(self);
    installExitHook();
  }

  /** Lines dropped because the batch was full or the descriptor failed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Batch `chunk`; pino calls this once per line. */
  write(chunk: string): boolean {
    if (this.#broken || this.#batchLength + chunk.length > this.#maxBuffered) {
      this.#dropped += 1;
      return true;
    }
    this.#batch.push(chunk);
    this.#batchLength += chunk.length;
    if (this.#batchLength >= this.#minLength) this.#flushAsync();
    return true;
  }

  /** Write the batch now, synchronously, within {@link EXIT_FLUSH_BUDGET_MS}; `logger.flush()` calls it. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  /** Write the batch synchronously; gives up (dropping it) on failure or a pipe full for too long. */
  flushSync(): void {
    if (this.#broken || this.#batchLength === 0) return;
    const { data, lines } = this.#take();
    const deadline = Date.now() + EXIT_FLUSH_BUDGET_MS;
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.#fd, data, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN' && Date.now() < deadline) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        this.#fail(lines);
        return;
      }
    }
  }

  #flushAsync(): void {
    if (this.#writing || this.#broken || this.#batchLength === 0) return;
    this.#writing = true;
    const { data, lines } = this.#take();
    this.#writeFrom(data, lines, 0);
  }

  #writeFrom(data: Buffer, lines: number, offset: number): void {
    write(this.#fd, data, offset, data.length - offset, null, (error, written) => {
      if (error) {
        // A full pipe empties when its reader catches up; anything else will not get better.
        if (error.code === 'EAGAIN') setTimeout(() => this.#writeFrom(data, lines, offset), 20).unref();
        else this.#fail(lines);
        return;
      }
      if (offset + written < data.length) {
        this.#writeFrom(data, lines, offset + written);
        return;
      }
      this.#writing = false;
      if (this.#batchLength >= this.#minLength) this.#flushAsync();
    });
  }

  #take(): { data: Buffer; lines: number } {
    const taken = { data: Buffer.from(this.#batch.join('')), lines: this.#batch.length };
    this.#batch = [];
    this.#batchLength = 0;
    return taken;
  }

  /** Stop writing to a descriptor that failed (its reader is gone, the disk is full); `lost` lines went with it. */
  #fail(lost: number): void {
    this.#broken = true;
    this.#writing = false;
    this.#dropped += lost + this.#batch.length;
    this.#batch = [];
    this.#batchLength = 0;
  }
}

/** One `exit` listener for all destinations: the last lines of a quiet process still get out. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const ref of destinations) {
      try {
        ref.deref()?.flushSync();
      } catch {
        // Never let logging stop the exit (and the child-process cleanup after it).
      }
    }
  });
}
