import { describe, expect, it } from 'vitest';
import { batchNameProblem, jobIdOf, parseJobId } from './names.js';

describe('batch job ids', () => {
  it('round-trip any item id, with no ":" (BullMQ refuses it) and never an integer', () => {
    for (const itemId of ['1', 'q:1', 'a/b', 'späť ✓', '%41', ' ']) {
      const jobId = jobIdOf('prompts-1a2b', itemId);
      expect(jobId).not.toContain(':');
      expect(`${parseInt(jobId, 10)}`).not.toBe(jobId);
      expect(parseJobId(jobId)).toEqual({ batch: 'prompts-1a2b', itemId });
    }
  });

  it('refuse ids of other shapes', () => {
    expect(parseJobId('123')).toBeUndefined();
    expect(parseJobId('/x')).toBeUndefined();
    expect(parseJobId('b/%E0%A4%A')).toBeUndefined();
  });

  it('batch names: letters, digits, . _ - (no "/" or ":")', () => {
    expect(batchNameProblem('prompts-1a2b.v2_x')).toBeUndefined();
    for (const bad of ['', '-x', 'a/b', 'a:b', 'a b', 'x'.repeat(101)]) {
      expect(batchNameProblem(bad)).toMatch(/must be 1-100 letters/);
    }
  });
});
