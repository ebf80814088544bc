/**
 * A proxy over the fake `claude` with a throwaway HOME of its own, so that what the proxy writes
 * for the CLI (synthesized session transcripts under `$HOME/.claude/projects/`) stays out of the
 * real home directory and can be inspected. Otherwise the same as `startHarness` in
 * test/http/server-harness.ts (whose wrapper env cannot be extended with the fake's own env).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from '../../src/http/server.js';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { withFakeClaude, type FakeClaudeScenario } from '../fixtures/fake-claude-helpers.mjs';
import type { Harness } from '../http/server-harness.js';

/** A running proxy, its fake CLI, and the CLI's HOME. */
export interface HomeHarness extends Harness {
  /** The HOME the CLI (and the proxy, for synthesized transcripts) uses. */
  readonly home: string;
}

/** Start a proxy backed by the fake CLI, with a temporary HOME removed by `close()`. */
export async function startHarnessWithHome(
  scenario: FakeClaudeScenario = {},
  options: ServerOptionsInput = {},
): Promise<HomeHarness> {
  const home = await mkdtemp(join(tmpdir(), 'ccw-test-home-'));
  const fake = await withFakeClaude(scenario);
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    drainTimeoutMs: 2000,
    // Tests switch the fake's scenario between requests, which a pre-spawned process would not see.
    warmPoolSize: 0,
    ...options,
    wrapper: {
      claudeBinary: fake.binary,
      env: { ...fake.env, HOME: home },
      logLevel: 'silent',
      killGraceMs: 300,
      ...options.wrapper,
    },
  });
  const { url } = await server.listen();
  return {
    url,
    server,
    fake,
    home,
    async close() {
      try {
        await server.close();
      } finally {
        await fake.cleanup();
        await rm(home, { recursive: true, force: true });
      }
    },
  };
}
