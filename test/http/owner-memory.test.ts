/**
 * The proxy runs the CLI without its user's memory (`~/.claude/CLAUDE.md`, auto-memory) unless CLI
 * tools are allowed: that user is the server's owner, and the callers must not get the owner's notes
 * (`test/e2e/upstream-bytes.test.ts` checks with the real CLI that none reaches the API). A choice
 * made in the server's environment or `wrapper.env` stands.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { ask } from './conversation-helpers.js';
import { startHarness, type Harness } from './server-harness.js';

const SWITCHES = ['CLAUDE_CODE_DISABLE_CLAUDE_MDS', 'CLAUDE_CODE_DISABLE_AUTO_MEMORY'];

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  delete process.env['CLAUDE_CODE_DISABLE_CLAUDE_MDS'];
});

/** The two switches in the environment of the CLI that answered one request. */
async function switchesWith(
  options: ServerOptionsInput = {},
  env: Record<string, string> = {},
): Promise<Array<string | undefined>> {
  harness = await startHarness({}, options, { env });
  expect((await ask(harness, [{ role: 'user', content: 'hi' }])).status).toBe(200);
  const invocation = harness.fake.invocations()[0];
  return SWITCHES.map((name) => invocation?.env[name]);
}

describe('the server owner’s memory', () => {
  it('is off for callers by default', async () => {
    expect(await switchesWith()).toEqual(['1', '1']);
  });

  it('stays the CLI’s own choice when callers get Claude Code’s tools', async () => {
    expect(await switchesWith({ allowCliTools: true })).toEqual([undefined, undefined]);
  });

  it('is what wrapper.env or the server’s environment says when either sets it', async () => {
    expect(await switchesWith({}, { CLAUDE_CODE_DISABLE_CLAUDE_MDS: '0' })).toEqual(['0', '1']);
    await harness?.close();
    process.env['CLAUDE_CODE_DISABLE_CLAUDE_MDS'] = '0';
    expect(await switchesWith()).toEqual(['0', '1']);
  });
});
