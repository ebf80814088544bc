/**
 * @module
 * Echoing a client's value back in an error message, bounded. Validation errors say what was
 * received ("Input tag 'usr' found…"), but the value is the client's: a 10 MB `role` must not turn
 * into a 10 MB error body and log line, and a value nested thousands of levels deep must not be
 * serialized with the call stack.
 */

/** Characters of a received value shown in an error message. */
export const ECHO_LIMIT = 100;

/**
 * `value` as it appears in an error message: strings in single quotes, anything else as JSON, cut
 * after `limit` characters with `…(N chars)` (strings) or `…` (other values) marking the cut.
 */
export function echoValue(value: unknown, limit: number = ECHO_LIMIT): string {
  if (typeof value === 'string') {
    return value.length <= limit ? `'${value}'` : `'${value.slice(0, limit)}…(${value.length} chars)'`;
  }
  const json = boundedJson(value, limit);
  return json.length <= limit ? json : `${json.slice(0, limit)}…`;
}

/**
 * JSON of `value`, stopping once more than `limit` characters are written. Each level of nesting
 * writes at least one character, so the recursion is at most `limit` deep whatever the input.
 */
function boundedJson(value: unknown, limit: number): string {
  let out = '';
  const write = (v: unknown): void => {
    if (out.length > limit) return;
    if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && out.length <= limit; i += 1) {
        if (i > 0) out += ',';
        write(v[i]);
      }
      out += ']';
    } else if (typeof v === 'object' && v !== null) {
      out += '{';
      let first = true;
      for (const key in v) {
        if (out.length > limit) break;
        if (!Object.hasOwn(v, key)) continue;
        const item = (v as Record<string, unknown>)[key];
        out += `${first ? '' : ','}${JSON.stringify(key.slice(0, limit))}:`;
        first = false;
        write(item);
      }
      out += '}';
    } else if (typeof v === 'string') {
      out += JSON.stringify(v.slice(0, limit + 1));
    } else {
      out += String(JSON.stringify(v) ?? v);
    }
  };
  write(value);
  return out;
}
