/**
 * @module
 * Commander argument parsers. They throw commander's `InvalidArgumentError`, so a bad value is a
 * usage error (exit 2) that names the flag, before anything is spawned.
 */
import { InvalidArgumentError } from 'commander';

/** Parse a whole number >= `min` (default 1). */
export function parseInteger(min = 1): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`expected a whole number >= ${min}, got "${raw}"`);
    }
    return value;
  };
}

/**
 * Parse a comma-separated tool list; `""` is the empty list (no tools). Commas inside parentheses
 * belong to a rule such as `Bash(git diff:*)`, so they do not split.
 */
export function parseToolList(raw: string): string[] {
  const tools: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of raw) {
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      tools.push(current);
      current = '';
    } else current += char;
  }
  tools.push(current);
  return tools.map((tool) => tool.trim()).filter((tool) => tool !== '');
}
