/**
 * @module
 * Secret redaction for log lines. pino's own `redact` with wildcard paths (`*.apiKey`) costs
 * ~50 µs per line (it runs a redactor over every top-level value), which a proxy writing two lines
 * per request pays on each one; the same rules checked by hand cost ~1 µs. An object is copied only
 * when something in it must be hidden, so the caller's objects are never changed.
 */

/** Keys whose values never reach a log: at the top level and one level down (`*.apiKey`). */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['apiKey', 'authorization', 'x-api-key']);

/** Environment variables hidden inside an `env` object, at the top level and one level down. */
export const SECRET_ENV_VARS: ReadonlySet<string> = new Set([
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
]);

/** What replaces a secret. */
export const CENSOR = '[redacted]';

type LogObject = Record<string, unknown>;

/**
 * `object` with every secret replaced by {@link CENSOR}: keys in {@link SECRET_KEYS} and
 * `env.<secret>` at the top level and inside any plain-object or error value. Deeper levels are
 * not searched.
 */
export function redactSecrets(object: LogObject): LogObject {
  return censorLevel(object, true);
}

function censorLevel(object: LogObject, descend: boolean): LogObject {
  let copy: LogObject | undefined;
  for (const key in object) {
    const value = object[key];
    let replacement = value;
    if (SECRET_KEYS.has(key)) replacement = CENSOR;
    else if (isSearched(value)) {
      if (key === 'env') replacement = censorEnv(value);
      if (descend) replacement = censorLevel(replacement as LogObject, false);
    }
    if (replacement !== value) (copy ??= copyOf(object))[key] = replacement;
  }
  return copy ?? object;
}

function censorEnv(env: LogObject): LogObject {
  let copy: LogObject | undefined;
  for (const name of SECRET_ENV_VARS) if (env[name] !== undefined) (copy ??= copyOf(env))[name] = CENSOR;
  return copy ?? env;
}

/**
 * Plain objects and errors (pino's error serializer writes an error's own fields too). Arrays,
 * buffers and other class instances are not searched: log lines carry plain data.
 */
function isSearched(value: unknown): value is LogObject {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null || value instanceof Error;
}

/** A shallow copy that is still an error (message, stack, class) when the original was one. */
function copyOf(object: LogObject): LogObject {
  if (!(object instanceof Error)) return { ...object };
  return Object.create(
    Object.getPrototypeOf(object) as object,
    Object.getOwnPropertyDescriptors(object),
  ) as LogObject;
}
