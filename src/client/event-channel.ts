/**
 * @module
 * A single-consumer push channel: the producer pushes events as the CLI prints them, the consumer
 * pulls with `for await`. Events are buffered while nobody is reading.
 */

/** Push side and pull side of a one-consumer async queue. */
export class EventChannel<T> implements AsyncIterable<T> {
  readonly #buffer: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #failWaiting: ((error: unknown) => void) | undefined;
  #done = false;
  #error: unknown;
  #hasError = false;
  #consumed = false;
  readonly #onReturn: () => void;

  /** @param onReturn Called when the consumer stops early (`break`, `return`, a throw in the loop). */
  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  /** Add an event. Ignored after `close`. */
  push(value: T): void {
    if (this.#done) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#clearWaiters();
      waiting({ value, done: false });
    } else {
      this.#buffer.push(value);
    }
  }

  /** End the stream, optionally with an error the consumer will see after the buffered events. */
  close(error?: unknown, hasError = error !== undefined): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#hasError = hasError;
    const waiting = this.#waiting;
    const fail = this.#failWaiting;
    this.#clearWaiters();
    if (hasError) fail?.(error);
    else waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#consumed) throw new TypeError('A Claude run can be iterated only once');
    this.#consumed = true;
    let finished = false;
    return {
      next: () => {
        const value = this.#buffer.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (this.#done) {
          finished = true;
          return this.#hasError
            ? Promise.reject(this.#error)
            : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.#waiting = resolve;
          this.#failWaiting = reject;
        });
      },
      return: () => {
        if (!finished && !this.#done) this.#onReturn();
        finished = true;
        this.#buffer.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  #clearWaiters(): void {
    this.#waiting = undefined;
    this.#failWaiting = undefined;
  }
}
