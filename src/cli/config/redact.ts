/**
 * @module
 * Secrets never reach the terminal: any value whose name contains KEY, TOKEN or SECRET (a field such
 * as `apiKeys`, or an `env` entry such as `ANTHROPIC_API_KEY`) is replaced, at any depth.
 */

/** What redacted values are shown as. */
export const REDACTED = '[redacted]';

/** True for names that hold secrets. */
export function isSecretName(name: string): boolean {
  return /key|token|secret/i.test(name);
}

/** A copy of `value` (named `name`) with secret values replaced by {@link REDACTED}. */
export function redact(name: string, value: unknown): unknown {
  if (isSecretName(name) && value !== undefined && value !== null) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact('', item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(key, inner)]));
  }
  return value;
}
