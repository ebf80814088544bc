import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from './redact.js';

describe('redact', () => {
  it('hides secret values by name at any depth, and URL passwords', () => {
    expect(redact('apiKeys', ['sk-one-123456', 'sk-two-123456'])).toBe(REDACTED);
    expect(redact('apiKeys', [])).toEqual([]);
    expect(redact('env', { ANTHROPIC_API_KEY: 'sk-x', PATH: '/bin' })).toEqual({
      ANTHROPIC_API_KEY: REDACTED,
      PATH: '/bin',
    });
    expect(redact('redisUrl', 'redis://user:pw@host:6379')).toBe(`redis://user:${REDACTED}@host:6379`);
  });

  it('shows the entries of server.keys with their keys hidden and the variable names kept', () => {
    const keys = [
      { name: 'ci', keyEnv: 'CI_KEY', key: 'sk-ci-secret-123456', dailyUsd: 5 },
      { name: 'batch', key: 'sk-batch-secret-123', monthlyUsd: 100 },
    ];
    expect(redact('keys', keys)).toEqual([
      { name: 'ci', keyEnv: 'CI_KEY', key: REDACTED, dailyUsd: 5 },
      { name: 'batch', key: REDACTED, monthlyUsd: 100 },
    ]);
    expect(JSON.stringify(redact('keys', keys))).not.toContain('secret');
  });
});
