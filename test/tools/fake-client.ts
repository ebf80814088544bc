/**
 * `ClaudeCodeAnthropic` over a wrapper that runs the fake CLI, closed after each test: the set-up
 * of the client-tool tests that need no server.
 */
import { afterEach } from 'vitest';
import type { ClaudeCodeConfig } from '../../src/core/config/schema.js';
import { ClaudeCodeAnthropic } from '../../src/sdk-client/client.js';
import type { FakeClaude, FakeClaudeScenario } from '../fixtures/fake-claude-helpers.mjs';
import { fakeWrapper } from '../integration/helpers.js';

/**
 * Register the clean-up (in the current `describe`, or the file) and return the set-up function:
 * each call starts a fake CLI with `scenario` and a client over it.
 */
export function useFakeAnthropicClient(): (
  scenario: FakeClaudeScenario,
  config?: Partial<ClaudeCodeConfig>,
) => Promise<{ client: ClaudeCodeAnthropic; fake: FakeClaude }> {
  const opened: { client: ClaudeCodeAnthropic; fake: FakeClaude }[] = [];
  afterEach(async () => {
    for (const { client, fake } of opened.splice(0)) {
      await client.wrapper.close();
      await fake.cleanup();
    }
  });
  return async (scenario, config = {}) => {
    const { wrapper, fake } = await fakeWrapper(scenario, config);
    const client = new ClaudeCodeAnthropic({ wrapper });
    opened.push({ client, fake });
    return { client, fake };
  };
}
