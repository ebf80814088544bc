/**
 * @module
 * The one environment-variable parser. Every variable the library (`CLAUDE_*`) and the proxy
 * (`CLAUDE_WRAPPER_*`) read is a row of a table: name → config path → type → description. The
 * table drives the parsing, the validation, `claude-wrapper config show` and the README check, so
 * there is no hand-kept list to drift.
 */
import type { z } from 'zod';
import { ClaudeCodeValidationError } from '../errors/index.js';
import { parseOrThrow } from './validate.js';

/** How a variable's text becomes a value. */
export type EnvType = 'string' | 'number' | 'boolean' | 'list' | 'map';

/** One environment variable: the config field it sets, its type and what it does. */
export interface EnvVarSpec<Path extends string = string> {
  /** The configuration field it sets. */
  readonly path: Path;
  /** How its text is parsed (see {@link parseEnvValue}). */
  readonly type: EnvType;
  /** One line for `config show` and the README. */
  readonly description: string;
}

/** Variable name → {@link EnvVarSpec}. */
export type EnvTable<Path extends string = string> = Readonly<Record<string, EnvVarSpec<Path>>>;

/** An environment as read by the loaders. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** What each type accepts, in the words of the error message. */
export const ENV_TYPE_EXPECTS: Readonly<Record<EnvType, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean (true/false, 1/0, yes/no, on/off)',
  list: 'a comma-separated list',
  map: 'comma-separated name=value pairs',
};

/**
 * Parse one variable's text: booleans are true/false, 1/0, yes/no, on/off (any case); numbers are
 * decimal; lists are comma-separated, each item trimmed, empty items dropped; maps are lists of
 * `name=value` pairs (`gpt-4o=sonnet,o3=opus`), each side trimmed and non-empty, the last of a name winning.
 * @throws {@link ClaudeCodeValidationError} naming the variable, e.g.
 *   `Invalid CLAUDE_WRAPPER_STRICT: expected a boolean (true/false, 1/0, yes/no, on/off) (received "maybe")`.
 */
export function parseEnvValue(name: string, type: EnvType, raw: string): unknown {
  const text = raw.trim();
  switch (type) {
    case 'string':
      return raw;
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'map': {
      const pairs = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
        .map((item) => {
          const at = item.indexOf('=');
          return at < 0 ? undefined : ([item.slice(0, at).trim(), item.slice(at + 1).trim()] as const);
        });
      if (pairs.every((pair) => pair !== undefined && pair[0] !== '' && pair[1] !== '')) {
        return Object.fromEntries(pairs as (readonly [string, string])[]);
      }
      break;
    }
    case 'boolean':
      if (TRUE.test(text)) return true;
      if (FALSE.test(text)) return false;
      break;
    case 'number':
      if (NUMBER.test(text)) return Number(text);
      break;
  }
  throw new ClaudeCodeValidationError(name, raw, `expected ${ENV_TYPE_EXPECTS[type]}`);
}

/** Values read from the environment, and which variable set each field. */
export interface EnvValues<Path extends string = string> {
  readonly values: Readonly<Partial<Record<Path, unknown>>>;
  readonly variables: Readonly<Partial<Record<Path, string>>>;
}

/**
 * Read every variable of `table` that is set (an empty value counts as unset), parse it, and
 * validate it against its field in `schema`.
 * @throws {@link ClaudeCodeValidationError} naming the variable and the value.
 */
export function readEnvTable<Path extends string>(
  table: EnvTable<Path>,
  env: EnvSource,
  schema: z.ZodType<Partial<Record<Path, unknown>>>,
): EnvValues<Path> {
  const values: Partial<Record<Path, unknown>> = {};
  const variables: Partial<Record<Path, string>> = {};
  for (const [name, spec] of Object.entries<EnvVarSpec<Path>>(table)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const parsed = parseEnvValue(name, spec.type, raw);
    const checked = parseOrThrow(schema, { [spec.path]: parsed }, `environment variable ${name} ->`);
    values[spec.path] = checked[spec.path];
    variables[spec.path] = name;
  }
  return { values, variables };
}
