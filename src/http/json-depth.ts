/**
 * @module
 * A linear pre-scan of a JSON text for its nesting depth, run before `JSON.parse`. Deep nesting is
 * the one JSON shape whose cost is not proportional to its size: a 12 KB body of `[[[[…` becomes
 * 6000 nested arrays that every later recursive step (schema validation, error formatting, the
 * serialization of a tool schema for the CLI) walks with the call stack. Refusing it here keeps
 * those steps within a depth real clients never reach.
 */
import { MAX_JSON_DEPTH } from '../core/json-depth.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * The offset at which `text` nests deeper than `maxDepth` objects/arrays, or -1 when it never does.
 * Brackets inside strings are skipped (with `indexOf`, so long strings such as base64 images cost a
 * native scan, not a loop step per character). Malformed JSON is left for `JSON.parse` to report.
 */
export function findExcessNesting(text: string, maxDepth: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = endOfString(text, i);
      if (i < 0) return -1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return i;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return -1;
}

/** Index of the quote closing the string opened at `start`, or -1 when it is never closed. */
function endOfString(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end >= 0) {
    // A quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}
