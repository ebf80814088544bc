/**
 * @module
 * Turning zod failures into {@link ClaudeCodeValidationError}s that name the field and the value.
 */
import type { z } from 'zod';
import { ClaudeCodeValidationError } from '../errors/index.js';

/**
 * Parse `input` with `schema`; on failure throw a validation error naming the first bad field.
 * @param prefix Prepended to the field path, e.g. `config` or `options`.
 * @throws {@link ClaudeCodeValidationError}
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, prefix?: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
  const fieldPath = keys.length > 0 ? [...path, keys[0] ?? ''] : path;
  const field = joinField(prefix, formatPath(fieldPath));
  const value = getAtPath(input, fieldPath);
  const renamed = keys[0] === undefined ? undefined : OPTION_HINTS[keys[0]];
  const problem =
    keys.length > 0
      ? renamed
        ? `unknown option; did you mean ${renamed}?`
        : 'unknown option (see ClaudeCodeConfig for the valid ones)'
      : (issue?.message ?? 'invalid');
  throw new ClaudeCodeValidationError(field, value, problem, {
    context: { issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}

// Names people reach for from other tools, mapped to ours, so a typo fails with a useful hint.
const OPTION_HINTS: Readonly<Record<string, string>> = {
  binary: 'claudeBinary',
  cwd: 'workingDirectory',
  timeout: 'timeoutMs',
  system: 'systemPrompt',
  allowed_tools: 'allowedTools',
  disallowed_tools: 'disallowedTools',
  max_turns: 'maxTurns',
  pathToClaudeCodeExecutable: 'claudeBinary',
  additionalDirectories: 'addDirs',
  persistSession: 'sessionPersistence',
};

// `prompt` + `[0].source` -> `prompt[0].source`; `env var X ->` + `model` -> `env var X -> model`.
function joinField(prefix: string | undefined, path: string): string {
  if (!prefix) return path || 'value';
  if (!path) return prefix;
  if (path.startsWith('[')) return `${prefix}${path}`;
  return prefix.endsWith('>') || prefix.endsWith(':') ? `${prefix} ${path}` : `${prefix}.${path}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

function getAtPath(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
