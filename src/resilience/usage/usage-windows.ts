/**
 * @module
 * The calendar windows per-key usage is counted in, all in UTC: the minute (requests per minute),
 * the day and the month (spend). Fixed windows, so every replica names the same one for the same
 * instant and a counter is one store key per window.
 */

/** A window kind: `minute` for requests, `day` and `month` for spend. */
export type WindowKind = 'minute' | 'day' | 'month';

/** One window: its name (part of the counter's key) and when it ends. */
export interface UsageWindow {
  /** `2025-01-07T13:05`, `2025-01-07` or `2025-01`. */
  readonly id: string;
  /** Start of the next window. @unit epoch milliseconds */
  readonly endsAt: number;
}

/** The window of `kind` containing `now`. */
export function usageWindow(kind: WindowKind, now: number = Date.now()): UsageWindow {
  const at = new Date(now);
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const iso = at.toISOString();
  switch (kind) {
    case 'minute':
      return { id: iso.slice(0, 16), endsAt: Math.floor(now / 60_000) * 60_000 + 60_000 };
    case 'day':
      return { id: iso.slice(0, 10), endsAt: Date.UTC(year, month, at.getUTCDate() + 1) };
    case 'month':
      return { id: iso.slice(0, 7), endsAt: Date.UTC(year, month + 1, 1) };
  }
}

/** Whole seconds from `now` until `endsAt`, at least 1 (a `retry-after` value). */
export function secondsUntil(endsAt: number, now: number = Date.now()): number {
  return Math.max(1, Math.ceil((endsAt - now) / 1000));
}
