import { describe, expect, it } from 'vitest';
import { skipSummary } from './skip-reporter.js';

describe('skipSummary', () => {
  it('counts skipped tests by reason, code-level skips included', () => {
    expect(skipSummary(['redis missing', 'redis missing', undefined, 'tmux missing'])).toBe(
      'Skipped: 4 tests (2: redis missing; 1: skipped in the code (it.skip / describe.skip); 1: tmux missing).',
    );
    expect(skipSummary(['tmux missing'])).toBe('Skipped: 1 test (1: tmux missing).');
  });

  it('says so when nothing was skipped', () => {
    expect(skipSummary([])).toBe('Skipped: 0 tests.');
  });
});
