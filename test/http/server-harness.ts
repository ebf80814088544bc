/**
 * Starts the proxy on a random loopback port with the fake `claude` behind it.
 */
import { createServer, type ProxyServer } from '../../src/http/server.js';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import {
  withFakeClaude,
  type FakeClaude,
  type FakeClaudeScenario,
} from '../fixtures/fake-claude-helpers.mjs';

/** A running proxy and its fake CLI. */
export interface Harness {
  readonly url: string;
  readonly server: ProxyServer;
  readonly fake: FakeClaude;
  close(): Promise<void>;
}

/** What `startHarness` adds around the proxy and its fake CLI. */
export interface HarnessSetup {
  /** Variables added to the fake CLI's environment (after the fake's own). */
  readonly env?: Record<string, string>;
  /** Runs at the end of `close()`, after the server and the fake are gone (even if closing failed). */
  readonly cleanup?: () => Promise<void>;
}

/** Start a proxy backed by the fake CLI. */
export async function startHarness(
  scenario: FakeClaudeScenario = {},
  options: ServerOptionsInput = {},
  setup: HarnessSetup = {},
): Promise<Harness> {
  const fake = await withFakeClaude(scenario);
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    usageStorePath: ':memory:',
    drainTimeoutMs: 2000,
    // Most tests switch the fake's scenario between requests, which a pre-spawned process would
    // not see; the pool has its own test below and in test/integration/warm-pool.test.ts.
    warmPoolSize: 0,
    // Likewise a process kept for a conversation's next turn keeps its scenario; conversation
    // affinity has its own tests (conversation-affinity.test.ts).
    conversationProcesses: 0,
    ...options,
    wrapper: {
      claudeBinary: fake.binary,
      env: { ...fake.env, ...setup.env },
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
    async close() {
      try {
        await server.close();
      } finally {
        await fake.cleanup();
        await setup.cleanup?.();
      }
    },
  };
}

/** CLI invocations other than `--version` probes. */
export function cliRuns(fake: FakeClaude) {
  return fake.invocations().filter((i) => !i.argv.includes('--version'));
}

/** True for a user turn written to the CLI's stdin (as opposed to control requests). */
export function isUserLine(line: unknown): boolean {
  return (line as { type?: unknown } | null)?.type === 'user';
}
