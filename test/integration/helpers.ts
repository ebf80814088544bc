/**
 * Shared helpers for integration tests against the fake `claude` executable.
 */
import { afterEach } from 'vitest';
import { ClaudeCodeWrapper, type ClaudeCodeConfig } from '../../src/index.js';
import {
  withFakeClaude,
  type FakeClaude,
  type FakeClaudeScenario,
} from '../fixtures/fake-claude-helpers.mjs';

/** A wrapper wired to a fresh fake CLI. Call `cleanup` in `afterEach`. */
export async function fakeWrapper(
  scenario: FakeClaudeScenario = {},
  config: Partial<ClaudeCodeConfig> = {},
): Promise<{ wrapper: ClaudeCodeWrapper; fake: FakeClaude }> {
  const fake = await withFakeClaude(scenario);
  const wrapper = new ClaudeCodeWrapper({
    claudeBinary: fake.binary,
    env: fake.env,
    logLevel: 'silent',
    killGraceMs: 300,
    ...config,
  });
  return { wrapper, fake };
}

/** True while a process with this pid exists (an unreaped zombie still counts). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Poll every `stepMs` until `check` passes or the time is up; the last check decides. */
export async function eventually(check: () => boolean, timeoutMs = 3000, stepMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

/**
 * For a test file: returns `setup(scenario?, config?)`, which makes a wrapper on a fresh fake CLI,
 * and closes both after each test.
 */
export function useFakeClaude(): typeof fakeWrapper {
  const made: Array<{ wrapper: ClaudeCodeWrapper; fake: FakeClaude }> = [];
  afterEach(async () => {
    for (const { wrapper, fake } of made.splice(0)) {
      await wrapper.close();
      await fake.cleanup();
    }
  });
  return async (...args) => {
    const result = await fakeWrapper(...args);
    made.push(result);
    return result;
  };
}
