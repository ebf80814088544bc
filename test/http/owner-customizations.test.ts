/**
 * The proxy runs the CLI without its user's customizations unless CLI tools are allowed: that user
 * is the server's owner, and callers must get none of the owner's hooks, MCP servers, memory or
 * prompt preferences (`test/e2e/owner-customizations.test.ts` checks with the real CLI what reaches
 * the API and what runs). A choice made in the server's environment, `wrapper.env` or
 * `wrapper.settings` stands.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { ask } from './conversation-helpers.js';
import { startHarness, type Harness } from './server-harness.js';

const SWITCHES = [
  'CLAUDE_CODE_SAFE_MODE',
  'CLAUDE_CODE_DISABLE_CLAUDE_MDS',
  'CLAUDE_CODE_DISABLE_AUTO_MEMORY',
];

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  delete process.env['CLAUDE_CODE_DISABLE_CLAUDE_MDS'];
});

/** The switches in the environment of the CLI that answered one request, and its `--settings`. */
async function launchWith(
  options: ServerOptionsInput = {},
  env: Record<string, string> = {},
): Promise<{ switches: Array<string | undefined>; settings: string | undefined }> {
  harness = await startHarness({}, options, { env });
  expect((await ask(harness, [{ role: 'user', content: 'hi' }])).status).toBe(200);
  const invocation = harness.fake.invocations()[0];
  const at = invocation?.argv.indexOf('--settings') ?? -1;
  return {
    switches: SWITCHES.map((name) => invocation?.env[name]),
    settings: at < 0 ? undefined : invocation?.argv[at + 1],
  };
}

describe('the server owner’s Claude Code customizations', () => {
  it('are off for callers by default: safe mode, no memory, default output style and language', async () => {
    const { switches, settings } = await launchWith();
    expect(switches).toEqual(['1', '1', '1']);
    expect(JSON.parse(settings ?? '')).toEqual({ outputStyle: 'default', language: '' });
  });

  it('stay the CLI’s own when callers get Claude Code’s tools', async () => {
    expect(await launchWith({ allowCliTools: true })).toEqual({
      switches: [undefined, undefined, undefined],
      settings: undefined,
    });
  });

  it('are what wrapper.env or the server’s environment says when either sets a switch', async () => {
    expect((await launchWith({}, { CLAUDE_CODE_SAFE_MODE: '0' })).switches).toEqual(['0', '1', '1']);
    await harness?.close();
    process.env['CLAUDE_CODE_DISABLE_CLAUDE_MDS'] = '0';
    expect((await launchWith()).switches).toEqual(['1', '0', '1']);
  });

  it('take wrapper.settings over them: an object merged, a file path alone', async () => {
    const merged = await launchWith({
      wrapper: { settings: { language: 'french', includeCoAuthoredBy: false } },
    });
    expect(JSON.parse(merged.settings ?? '')).toEqual({
      outputStyle: 'default',
      language: 'french',
      includeCoAuthoredBy: false,
    });
    await harness?.close();
    expect((await launchWith({ wrapper: { settings: '/etc/claude-wrapper/settings.json' } })).settings).toBe(
      '/etc/claude-wrapper/settings.json',
    );
  });
});
