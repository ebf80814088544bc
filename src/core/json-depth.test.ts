import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from './json-depth.js';

function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let i = 1; i < levels; i += 1) {
    const next: Record<string, unknown> = {};
    current['properties'] = next;
    current = next;
  }
  return root;
}

describe('exceedsJsonDepth', () => {
  it('measures object and array nesting without recursing', () => {
    expect(exceedsJsonDepth({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(exceedsJsonDepth('text', 0)).toBe(false);
    expect(exceedsJsonDepth(nested(64), 64)).toBe(false);
    expect(exceedsJsonDepth(nested(65), 64)).toBe(true);
    // Deep enough to overflow JSON.stringify: answered, not thrown.
    expect(() => JSON.stringify(nested(20_000))).toThrow(RangeError);
    expect(exceedsJsonDepth(nested(20_000))).toBe(true);
  });

  it('treats a cycle as too deep', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(exceedsJsonDepth(cycle)).toBe(true);
  });
});
