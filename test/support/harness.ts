/**
 * A proxy over the fake `claude` with a throwaway HOME of its own, so that what the proxy writes
 * for the CLI (synthesized session transcripts under `$HOME/.claude/projects/`) stays out of the
 * real home directory and can be inspected. Otherwise `startHarness` of
 * test/http/server-harness.ts, which it runs with that HOME added to the fake's env.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import type { FakeClaudeScenario } from '../fixtures/fake-claude-helpers.mjs';
import { startHarness, type Harness } from '../http/server-harness.js';

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
  const harness = await startHarness(scenario, options, {
    env: { HOME: home },
    cleanup: () => rm(home, { recursive: true, force: true }),
  });
  return { ...harness, home };
}
