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

/** Start a proxy backed by the fake CLI. */
export async function startHarness(
  scenario: FakeClaudeScenario = {},
  options: ServerOptionsInput = {},
): Promise<Harness> {
  const fake = await withFakeClaude(scenario);
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    drainTimeoutMs: 2000,
    // Most tests switch the fake's scenario between requests, which a pre-spawned process would
    // not see; the pool has its own test below and in test/integration/warm-pool.test.ts.
    warmPoolSize: 0,
    ...options,
    wrapper: {
      claudeBinary: fake.binary,
      env: fake.env,
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
      await server.close();
      await fake.cleanup();
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
