/**
 * JSON Schemas for tests of the schema limits (shared by src/core/config/schema.test.ts and
 * test/integration/tools-hardening.test.ts).
 */

/** An object schema nested `levels` deep, each level's one property `x` the next level. */
export function nestedSchema(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = { type: 'object' };
  let current = root;
  for (let i = 1; i < levels; i += 1) {
    const next: Record<string, unknown> = { type: 'object' };
    current['properties'] = { x: next };
    current = next;
  }
  return root;
}
