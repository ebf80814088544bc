/**
 * @module
 * Secrets never reach the terminal: any value whose name contains KEY, TOKEN or SECRET (a field such
 * as `apiKeys`, or an `env` entry such as `ANTHROPIC_API_KEY`) is replaced, at any depth.
 */

/** What redacted values are shown as. */
export const REDACTED = '[redacted]';

/** True for names that hold secrets (`keyEnv`, the name of the variable holding one, does not). */
export function isSecretName(name: string): boolean {
  return /key|token|secret/i.test(name) && !/Env$/.test(name);
}

/**
 * A copy of `value` (named `name`) with secret values replaced by {@link REDACTED}. Passwords in
 * URLs (`redis://user:pass@host`) are redacted too.
 */
export function redact(name: string, value: unknown): unknown {
  // An empty list (no API keys configured) holds no secret: show that it is empty.
  const empty = value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  // A list of entries (`server.keys`: name, limits and the key) shows the entries with their
  // secret fields redacted, at any depth.
  const entries = Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null);
  if (isSecretName(name) && !empty && !entries) return REDACTED;
  if (typeof value === 'string')
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*:)[^/@]+@/i, `$1${REDACTED}@`);
  if (Array.isArray(value)) return value.map((item) => redact('', item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(key, inner)]));
  }
  return value;
}
