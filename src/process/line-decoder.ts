/**
 * @module
 * Splits a byte stream into lines: handles lines split across chunks, multi-byte characters split
 * across chunks, `\r\n`, and very long lines (bounded by `maxLineBytes`).
 */
import { StringDecoder } from 'node:string_decoder';

/** Raised through `onOverflow` when a single line exceeds the limit. */
export interface LineDecoderOptions {
  /** Longest line accepted, in UTF-16 code units. @default 64 MiB */
  readonly maxLineLength?: number;
}

/** Incremental line splitter. Feed chunks with `write`, then call `end`. */
export class LineDecoder {
  readonly #decoder = new StringDecoder('utf8');
  readonly #maxLineLength: number;
  #buffer = '';

  constructor({ maxLineLength = 64 * 1024 * 1024 }: LineDecoderOptions = {}) {
    this.#maxLineLength = maxLineLength;
  }

  /**
   * Add a chunk; returns the complete lines it finished (without terminators, blank lines dropped).
   * @throws RangeError when a line grows past `maxLineLength`.
   */
  write(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    if (!text.includes('\n')) {
      this.#buffer += text;
      this.#checkLength();
      return [];
    }
    const parts = (this.#buffer + text).split('\n');
    this.#buffer = parts.pop() ?? '';
    this.#checkLength();
    return parts.map(stripCr).filter((line) => line.trim() !== '');
  }

  /** Flush the trailing line that had no terminator, if any. */
  end(): string[] {
    const rest = stripCr(this.#buffer + this.#decoder.end());
    this.#buffer = '';
    return rest.trim() === '' ? [] : [rest];
  }

  #checkLength(): void {
    if (this.#buffer.length > this.#maxLineLength) {
      const length = this.#buffer.length;
      this.#buffer = '';
      throw new RangeError(`CLI output line longer than ${this.#maxLineLength} characters (${length})`);
    }
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
