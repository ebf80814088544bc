/**
 * @module
 * The package version for `--version`, read from package.json next to `dist/` (and `src/`).
 */
import { readFileSync } from 'node:fs';

/** The version in package.json, or `unknown` if it cannot be read. */
export function readVersion(): string {
  try {
    // Both src/cli/ and dist/cli/ sit two levels below the package root.
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const { version } = JSON.parse(text) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
