import { describe, expect, it } from 'vitest';
import { buildCliEnv, isInheritedEnv } from './build-env.js';

describe('buildCliEnv', () => {
  it('passes only allow-listed parent variables, never the wrapper own ones', () => {
    const allowed = {
      PATH: '/bin',
      HOME: '/h',
      LC_ALL: 'C',
      ANTHROPIC_API_KEY: 'k',
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'eu-west-1',
      https_proxy: 'http://p',
    };
    const env = buildCliEnv(
      {},
      {
        ...allowed,
        CLAUDE_WRAPPER_API_KEYS: 'proxy-secret',
        CLAUDE_WRAPPER_PORT: '8080',
        FOO_SECRET: 'x',
        DATABASE_URL: 'postgres://',
        NODE_OPTIONS: '--inspect',
        BASH_FUNC_x: '() { :; }',
      },
    );
    expect(env).toEqual({ ...allowed, CLAUDE_CODE_MAX_RETRIES: '2' });
  });

  it('applies the caller env last, unfiltered', () => {
    const env = buildCliEnv({ env: { FOO: 'bar', CLAUDE_CODE_MAX_RETRIES: '5' }, cliMaxRetries: 1 }, {});
    expect(env).toEqual({ FOO: 'bar', CLAUDE_CODE_MAX_RETRIES: '5' });
  });

  it('matches prefixes, not substrings', () => {
    expect(isInheritedEnv('XDG_CONFIG_HOME')).toBe(true);
    expect(isInheritedEnv('MY_ANTHROPIC_KEY')).toBe(false);
    expect(isInheritedEnv('PATHX')).toBe(false);
    expect(isInheritedEnv('CLAUDE_WRAPPER_API_KEYS')).toBe(false);
  });

  it('inherits the names and prefixes listed in inheritEnv, never CLAUDE_WRAPPER_*', () => {
    const base = { MY_MCP_TOKEN: 't', FAKE_CLAUDE_SCENARIO: 's', OTHER: 'o', CLAUDE_WRAPPER_API_KEYS: 'k' };
    const env = buildCliEnv({ inheritEnv: ['MY_MCP_TOKEN', 'FAKE_CLAUDE_', 'CLAUDE_WRAPPER_'] }, base);
    expect(env).toEqual({ MY_MCP_TOKEN: 't', FAKE_CLAUDE_SCENARIO: 's', CLAUDE_CODE_MAX_RETRIES: '2' });
  });
});
