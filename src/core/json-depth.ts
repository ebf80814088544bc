/**
 * @module
 * Nesting depth of JSON-like values, measured without recursion. `JSON.stringify` recurses and
 * throws `RangeError` (call stack) on values a few thousand levels deep, which a caller can send
 * (a tool's input schema, a JSON schema): such values are refused where they come in.
 */

/**
 * Deepest nesting accepted anywhere, in request bodies (the pre-scan in `http/json-depth.ts`) and in
 * schema or settings objects: real tool schemas reach 20-30 levels; 64 leaves room.
 */
export const MAX_JSON_DEPTH = 64;

/** Objects visited at most; beyond, the value counts as too deep (a pathological shared graph). */
const MAX_VISITS = 1_000_000;

/**
 * True when `value` nests objects/arrays more than `maxDepth` levels deep (a cycle is infinitely
 * deep). Iterative; never throws.
 */
export function exceedsJsonDepth(value: unknown, maxDepth: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let visits = 0;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [current, depth] = item;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth || ++visits > MAX_VISITS) return true;
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
