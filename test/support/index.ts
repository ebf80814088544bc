/**
 * The canonical test helpers, in one place, for NEW tests: import from `test/support/index.js`
 * instead of reaching into another suite's folder. This module only re-exports (and adds what no
 * suite had yet); the originals stay where they are, because existing tests import them there.
 *
 * Duplicates found when this was written (left alone, since other people edit those files):
 * - `eventually`: test/integration/helpers.ts (3 s default) and test/cli/helpers.ts (10 s default,
 *   for the built binary);
 * - CLI runs without `--version` probes: `cliRuns` in test/http/server-harness.ts, and the same
 *   filter inline as `runs`/`cliInvocations` in test/integration/{pool-hardening,warm-pool,
 *   resilience,session,redis}.test.ts, test/cli/helpers.ts and test/tools/fake-cli.test.ts;
 * - "a user turn on stdin": `isUserLine` in test/http/server-harness.ts, inline again in
 *   test/http/drain.test.ts and test/tools/fake-cli.test.ts;
 * - the prompt a fake CLI got: `stdinText` in test/compat-anthropic/messages-service.test.ts;
 * - a proxy over the fake CLI: `startHarness` in test/http/server-harness.ts, and a hand-built
 *   `createServer` + `withFakeClaude` in test/http/store-recovery.test.ts (it needs its own HOME,
 *   which `startHarnessWithHome` below now gives);
 * - `sleep`: test/reliability/server-process.ts and src/storage/file-store.test.ts.
 */
export { cliRuns, isUserLine, startHarness, type Harness } from '../http/server-harness.js';
export { eventually, fakeWrapper, isRunning, useFakeClaude } from '../integration/helpers.js';
export { initializeRequest } from '../integration/initialize-request.js';
export {
  fakeClaudePath,
  withFakeClaude,
  type FakeClaude,
  type FakeClaudeInvocation,
  type FakeClaudeScenario,
  type FakeTurn,
} from '../fixtures/fake-claude-helpers.mjs';
export { startHarnessWithHome, type HomeHarness } from './harness.js';
export { coded, runError } from './errors.js';
export { nestedSchema } from './schemas.js';
export { skipAllUnless } from './skip-unless.js';
export { README, formatForReadme, readmeBlock, updatingReadme, writeReadmeBlock } from './readme-block.js';
export {
  argValue,
  listedClientTools,
  userContent,
  userText,
  userTurns,
  type ContentBlock,
} from './cli-input.js';

/** Wait `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
