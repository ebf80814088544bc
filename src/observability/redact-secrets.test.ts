import { describe, expect, it } from 'vitest';
import { CENSOR, redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('hides secret keys at the top level and one level down, and env secrets in both places', () => {
    const line = {
      event: 'probe',
      apiKey: 'k1',
      authorization: 'Bearer k2',
      'x-api-key': 'k3',
      env: {
        ANTHROPIC_API_KEY: 'k4',
        ANTHROPIC_AUTH_TOKEN: 'k5',
        CLAUDE_CODE_OAUTH_TOKEN: 'k6',
        PATH: '/bin',
      },
      headers: { authorization: 'Bearer k7', 'x-api-key': 'k8', accept: 'json' },
      config: { apiKey: 'k9', model: 'sonnet', env: { ANTHROPIC_API_KEY: 'k10', HOME: '/root' } },
    };
    expect(redactSecrets(line)).toEqual({
      event: 'probe',
      apiKey: CENSOR,
      authorization: CENSOR,
      'x-api-key': CENSOR,
      env: {
        ANTHROPIC_API_KEY: CENSOR,
        ANTHROPIC_AUTH_TOKEN: CENSOR,
        CLAUDE_CODE_OAUTH_TOKEN: CENSOR,
        PATH: '/bin',
      },
      headers: { authorization: CENSOR, 'x-api-key': CENSOR, accept: 'json' },
      config: { apiKey: CENSOR, model: 'sonnet', env: { ANTHROPIC_API_KEY: CENSOR, HOME: '/root' } },
    });
  });

  it('never changes the caller’s objects, and copies nothing when nothing is secret', () => {
    const nested = { apiKey: 'k1' };
    const line = { event: 'x', nested, list: [{ apiKey: 'in-array' }] };
    const redacted = redactSecrets(line);
    expect(redacted['nested']).toEqual({ apiKey: CENSOR });
    expect(nested.apiKey).toBe('k1');
    expect(line.nested).toBe(nested);
    const clean = { event: 'run', durationMs: 3, usage: { input: 1 } };
    expect(redactSecrets(clean)).toBe(clean);
  });

  it('stops two levels down and skips arrays and class instances', () => {
    const deep = { a: { b: { apiKey: 'deep' } } };
    expect(redactSecrets(deep)).toBe(deep);
    class Config {
      apiKey = 'instance';
    }
    const other = { config: new Config(), list: [{ apiKey: 'in-array' }] };
    expect(redactSecrets(other)).toBe(other);
  });

  it('hides an error’s secret fields and keeps it an error with its message and stack', () => {
    const error = Object.assign(new TypeError('boom'), { apiKey: 'on-error' });
    const redacted = redactSecrets({ err: error })['err'] as TypeError & { apiKey: string };
    expect(redacted).toBeInstanceOf(TypeError);
    expect(redacted.apiKey).toBe(CENSOR);
    expect(redacted.message).toBe('boom');
    expect(redacted.stack).toBe(error.stack);
    expect(error.apiKey).toBe('on-error');
    const clean = new Error('no secrets');
    expect(redactSecrets({ err: clean })['err']).toBe(clean);
  });
});
