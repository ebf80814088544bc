/**
 * @module
 * `stop_sequences` for a backend that cannot stop early by itself: the answer is cut before the
 * first stop sequence, both for a whole text and for a stream of deltas.
 *
 * "First" means the occurrence that ENDS first, i.e. the one the model finished generating first;
 * among occurrences ending at the same place the longest wins. Streaming and non-streaming use the
 * same rule, so both give the same text.
 */

/** Where a stop sequence occurs in a text. */
export interface StopMatch {
  /** Index of the first character of the stop sequence (= length of the text to keep). */
  readonly index: number;
  /** The stop sequence that matched. */
  readonly sequence: string;
}

/** The first stop sequence in `text`, or undefined. */
export function findStopSequence(text: string, stopSequences: readonly string[]): StopMatch | undefined {
  let best: StopMatch | undefined;
  let bestEnd = Infinity;
  for (const sequence of stopSequences) {
    if (sequence === '') continue;
    const index = text.indexOf(sequence);
    if (index < 0) continue;
    const end = index + sequence.length;
    if (end < bestEnd || (end === bestEnd && best !== undefined && index < best.index)) {
      best = { index, sequence };
      bestEnd = end;
    }
  }
  return best;
}

/**
 * Filters a stream of text deltas so that no text at or after a stop sequence is ever released.
 * It holds back a tail of at most `longest stop sequence - 1` characters, and only as much of it as
 * could be the start of a stop sequence completed by a later delta (so plain text is not delayed).
 *
 * @example
 * ```ts
 * const scanner = new StopSequenceScanner(['\n\nHuman:']);
 * for (const delta of deltas) {
 *   const { text, stopSequence } = scanner.push(delta);
 *   send(text);
 *   if (stopSequence !== null) break;
 * }
 * send(scanner.flush());
 * ```
 */
export class StopSequenceScanner {
  readonly #stops: readonly string[];
  readonly #holdBack: number;
  #pending = '';
  #stopped: string | null = null;

  constructor(stopSequences: readonly string[]) {
    this.#stops = stopSequences.filter((s) => s !== '');
    this.#holdBack = Math.max(0, ...this.#stops.map((s) => s.length - 1));
  }

  /** The stop sequence found, once found. */
  get stopSequence(): string | null {
    return this.#stopped;
  }

  /** Feed a delta; returns the text that is now safe to release and the stop sequence if one completed. */
  push(delta: string): { text: string; stopSequence: string | null } {
    if (this.#stopped !== null) return { text: '', stopSequence: this.#stopped };
    const buffer = this.#pending + delta;
    const match = findStopSequence(buffer, this.#stops);
    if (match) {
      this.#pending = '';
      this.#stopped = match.sequence;
      return { text: buffer.slice(0, match.index), stopSequence: match.sequence };
    }
    const cut = this.#safeLength(buffer);
    this.#pending = buffer.slice(cut);
    return { text: buffer.slice(0, cut), stopSequence: null };
  }

  /** Length of the prefix of `buffer` that cannot be part of a stop sequence completed later. */
  #safeLength(buffer: string): number {
    for (let length = Math.min(this.#holdBack, buffer.length); length > 0; length--) {
      const tail = buffer.slice(buffer.length - length);
      if (this.#stops.some((stop) => stop.startsWith(tail))) return buffer.length - length;
    }
    return buffer.length;
  }

  /** The text held back right now (to go back to it later with {@link restore}). */
  get held(): string {
    return this.#pending;
  }

  /** Go back to an earlier point of the stream, before any stop sequence: `held` is its {@link held}. */
  restore(held: string): void {
    this.#pending = held;
    this.#stopped = null;
  }

  /** The held-back tail, once the stream ended without a stop sequence. */
  flush(): string {
    const rest = this.#stopped === null ? this.#pending : '';
    this.#pending = '';
    return rest;
  }
}
