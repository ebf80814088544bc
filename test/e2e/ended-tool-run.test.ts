/**
 * A run suspended on a client tool call that ends without its result (the caller never sent it,
 * or another replica answered it) is killed at once, with the real CLI: on SIGTERM or the end of
 * its stdin, CLI 2.1.330 would finish the turn with "the tool call was interrupted" as the result,
 * which is one more API call, at the user's cost, whose answer nobody reads (seen in 4 of 5 runs).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChildCount } from '../../src/process/child-registry.js';
import { createServer, type ProxyServer } from '../../src/http/server.js';
import { startFakeApi, type FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';
import { eventually } from '../integration/helpers.js';
import { CITY_SCHEMA, toolLoopBehavior } from '../tools/real-cli-helpers.js';

let api: FakeApi;
let cli: CliEnv;
let server: ProxyServer;
let url: string;

beforeAll(async () => {
  api = await startFakeApi({ default: toolLoopBehavior });
  cli = await makeCliEnv(api.url);
  server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    warmPoolSize: 0,
    conversationProcesses: 0,
    wrapper: {
      claudeBinary: realClaudeBinary(),
      env: cli.env,
      logLevel: 'silent',
      cliMaxRetries: 0,
      toolResultTimeoutMs: 300,
    },
  });
  ({ url } = await server.listen());
});

afterAll(async () => {
  await server?.close();
  await api?.close();
  await cli?.cleanup();
});

describe('a suspended tool run that ends without its results', () => {
  it('is killed without another API call', async () => {
    const client = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
    for (let round = 0; round < 3; round += 1) {
      api.reset();
      api.setDefault(toolLoopBehavior);
      const first = await client.messages.create({
        model: 'claude-sonnet-5-5',
        max_tokens: 300,
        tools: [{ name: 'get_weather', description: 'Weather', input_schema: CITY_SCHEMA }],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      expect(first.stop_reason).toBe('tool_use');
      const calls = api.messageRequests().length;
      // The deadline passes: the run and its CLI are gone.
      expect(await eventually(() => liveChildCount() === 0, 15_000, 50)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(api.messageRequests().length).toBe(calls);
    }
  });
});
