/**
 * The CLI child gets an allow-listed environment: the proxy's own secrets and unrelated parent
 * variables never reach it; the library caller's explicit `env` does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useFakeClaude } from './helpers.js';

const setup = useFakeClaude();
const planted = {
  CLAUDE_WRAPPER_API_KEYS: 'proxy-key-1,proxy-key-2',
  FOO_SECRET: 'do-not-leak',
  ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
};

beforeEach(() => Object.assign(process.env, planted));
afterEach(() => {
  for (const name of Object.keys(planted)) delete process.env[name];
});

describe('CLI child environment', () => {
  it('drops CLAUDE_WRAPPER_* and unknown parent variables, keeps allowed and explicit ones', async () => {
    const { wrapper, fake } = await setup({}, { workingDirectory: process.cwd() });
    await wrapper.run('hi', { env: { CALLER_CHOICE: 'yes' } });
    const invocation = fake.invocations()[0];
    expect(invocation?.envKeys).toBeDefined();
    const keys = new Set(invocation?.envKeys);
    expect(keys.has('CLAUDE_WRAPPER_API_KEYS')).toBe(false);
    expect(keys.has('FOO_SECRET')).toBe(false);
    expect(keys.has('PATH')).toBe(true);
    expect(keys.has('CALLER_CHOICE')).toBe(true);
    expect(invocation?.env['ANTHROPIC_BASE_URL']).toBe('http://127.0.0.1:9');
  });

  it('scrubs pooled processes the same way', async () => {
    const { wrapper, fake } = await setup({}, { warmPool: { size: 1 } });
    await wrapper.prewarm();
    await wrapper.run('hi');
    expect(wrapper.getPoolStats()?.handoffs).toBe(1);
    for (const invocation of fake.invocations()) {
      expect(invocation.envKeys).not.toContain('CLAUDE_WRAPPER_API_KEYS');
      expect(invocation.envKeys).not.toContain('FOO_SECRET');
    }
  });
});
