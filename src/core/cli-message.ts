/**
 * @module
 * Parsing one stream-json line printed by the CLI. Lines are validated only as far as the wrapper
 * relies on them; unknown message types and extra fields pass through untouched, because the CLI adds
 * new ones often and a wrapper that crashed on them would break on every CLI update.
 */

/** One JSON object printed by the CLI on stdout. `type` is always a string. */
export interface CliMessage {
  readonly type: string;
  readonly subtype?: string;
  readonly session_id?: string;
  readonly [key: string]: unknown;
}

/** Outcome of parsing one line: never throws, like vercel's `safeParseJSON`. */
export type ParseLineResult =
  | { readonly success: true; readonly message: CliMessage }
  | { readonly success: false; readonly error: string; readonly line: string };

/** Parse one stdout line into a {@link CliMessage}. Blank lines are reported as errors by the caller's choice. */
export function parseCliLine(line: string): ParseLineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { success: false, error: (error as Error).message, line };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { success: false, error: 'not a JSON object', line };
  }
  if (typeof (value as { type?: unknown }).type !== 'string') {
    return { success: false, error: 'missing string "type" field', line };
  }
  return { success: true, message: value as CliMessage };
}

/** Read a property of an unknown value as a record, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Read a number field, or a fallback. */
export function numberField(record: Record<string, unknown> | undefined, key: string, fallback = 0): number {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Read a string field, or undefined. */
export function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}
