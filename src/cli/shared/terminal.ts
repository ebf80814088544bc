/**
 * @module
 * Whether to decorate output: colours, spinners and redrawn progress lines appear only when the
 * stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`. Everything else gets plain
 * text, so pipes, logs and CI see stable output.
 */

/** The subset of a stream these helpers need (stdout, stderr, or a test double). */
export interface OutputStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/**
 * True when `stream` may get ANSI colours and redrawn lines.
 * @param env Environment to read `NO_COLOR` and `TERM` from. @default process.env
 */
export function isFancy(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  // https://no-color.org: any non-empty value disables colour.
  if (env['NO_COLOR']) return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

/** A colour name understood by {@link createStyle}. */
export type StyleName = keyof typeof CODES;

/** Functions that wrap text in ANSI codes, or return it unchanged when colour is off. */
export type Style = Readonly<Record<StyleName, (text: string) => string>>;

/** Colour functions for `stream`: real ANSI codes only when {@link isFancy}. */
export function createStyle(stream: OutputStream, env = process.env): Style {
  const on = isFancy(stream, env);
  const entries = Object.entries(CODES).map(([name, [open, close]]) => [
    name,
    on ? (text: string) => `\u001b[${open}m${text}\u001b[${close}m` : (text: string) => text,
  ]);
  return Object.fromEntries(entries) as Style;
}

/** Erase the current terminal line and return the cursor to its start. */
export const CLEAR_LINE = '\r\u001b[K';
