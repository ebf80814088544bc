/**
 * Shared set-up of the end-to-end suites over the real Claude Code CLI, offline: the fake Messages
 * API, a throwaway CLI environment pointed at it, and on top either the proxy server
 * (`useRealCliProxy`) or `ClaudeCodeWrapper`s (`useRealCliWrappers`). Each registers the suite's
 * vitest hooks and returns an object whose fields are live once `beforeAll` has run.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { ClaudeCodeWrapper } from '../../src/index.js';
import { createServer, type ProxyServer } from '../../src/http/server.js';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { startFakeApi, type FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';

/** The fake API, the CLI's environment and the proxy over the real CLI, with its base URL. */
export interface RealCliProxy {
  readonly api: FakeApi;
  readonly cli: CliEnv;
  readonly server: ProxyServer;
  readonly url: string;
  /** The official Anthropic client at the proxy, without retries. */
  anthropic(): Anthropic;
  /** The official OpenAI client at the proxy's `/v1`, without retries. */
  openai(): OpenAI;
}

/** Fail clearly when a suite reads the set-up outside its tests. */
function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is only there inside the suite's tests`);
  return value;
}

/**
 * Before all tests: the fake API, a CLI environment and a proxy (port 0, in-memory sessions, plus
 * `options`) whose wrapper runs the real CLI silently without retries; after all: each closed.
 * With `resetApi` (the default) the fake API's script and records are reset before each test.
 */
export function useRealCliProxy(
  options: Omit<ServerOptionsInput, 'wrapper'> = {},
  { resetApi = true }: { resetApi?: boolean } = {},
): RealCliProxy {
  let state: Omit<RealCliProxy, 'anthropic' | 'openai'> | undefined;
  beforeAll(async () => {
    const api = await startFakeApi();
    const cli = await makeCliEnv(api.url);
    const server = createServer({
      port: 0,
      sessionStorePath: ':memory:',
      ...options,
      wrapper: { claudeBinary: realClaudeBinary(), env: cli.env, logLevel: 'silent', cliMaxRetries: 0 },
    });
    const { url } = await server.listen();
    state = { api, cli, server, url };
  });
  afterAll(async () => {
    await state?.server.close();
    await state?.api.close();
    await state?.cli.cleanup();
  });
  if (resetApi) beforeEach(() => ready(state, 'the fake API').api.reset());
  return {
    get api() {
      return ready(state, 'the fake API').api;
    },
    get cli() {
      return ready(state, 'the CLI environment').cli;
    },
    get server() {
      return ready(state, 'the proxy').server;
    },
    get url() {
      return ready(state, 'the proxy').url;
    },
    anthropic() {
      return new Anthropic({ baseURL: ready(state, 'the proxy').url, apiKey: 'unused', maxRetries: 0 });
    },
    openai() {
      return new OpenAI({ baseURL: `${ready(state, 'the proxy').url}/v1`, apiKey: 'unused', maxRetries: 0 });
    },
  };
}

/**
 * The Messages API calls the fake API saw for one non-streamed proxy request of `body` (model
 * `sonnet` and `max_tokens` 100 unless it says otherwise), which must answer 200.
 */
export async function upstreamCallsFor(
  proxy: RealCliProxy,
  body: Record<string, unknown>,
): Promise<Array<Record<string, unknown>>> {
  proxy.api.reset();
  const response = await fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 100, ...body }),
  });
  expect(response.status, await response.text()).toBe(200);
  return proxy.api.requests
    .filter((r) => r.path === '/v1/messages')
    .map((r) => r.body as Record<string, unknown>);
}

/** The text of a streamed chat completion answering `content`, as the OpenAI client puts it together. */
export async function streamedChatText(openai: OpenAI, content: string): Promise<string> {
  const stream = await openai.chat.completions.create({
    model: 'claude-sonnet-5-5',
    stream: true,
    messages: [{ role: 'user', content }],
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

type WrapperConfig = ConstructorParameters<typeof ClaudeCodeWrapper>[0];

/** The fake API of the suite, the CLI environment of the last wrapper, and a wrapper factory. */
export interface RealCliWrappers {
  readonly api: FakeApi;
  readonly cli: CliEnv;
  /**
   * A wrapper over the real CLI in a fresh CLI environment (with `extraEnv` added to it): silent,
   * no retries, 500 ms kill grace, the suite's `defaults`, then `config`.
   */
  wrapper(config?: WrapperConfig, extraEnv?: Record<string, string>): Promise<ClaudeCodeWrapper>;
}

/**
 * The fake API for the whole suite; after each test its script is reset and the CLI environment of
 * the test's last wrapper removed.
 */
export function useRealCliWrappers(defaults: WrapperConfig = {}): RealCliWrappers {
  let api: FakeApi | undefined;
  let cli: CliEnv | undefined;
  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  afterEach(async () => {
    api?.reset();
    await cli?.cleanup();
  });
  return {
    get api() {
      return ready(api, 'the fake API');
    },
    get cli() {
      return ready(cli, 'the CLI environment');
    },
    async wrapper(config = {}, extraEnv = {}) {
      cli = await makeCliEnv(ready(api, 'the fake API').url, { extra: extraEnv });
      return new ClaudeCodeWrapper({
        claudeBinary: realClaudeBinary(),
        env: cli.env,
        workingDirectory: cli.cwd,
        cliMaxRetries: 0,
        logLevel: 'silent',
        killGraceMs: 500,
        ...defaults,
        ...config,
      });
    },
  };
}

/** What a message request to the fake API carries, as far as these tests look. */
export type UpstreamBody = { metadata?: unknown; messages: { role: string; content: unknown }[] };

/** Whether `message` is the note the CLI adds when a session resumes in another directory. */
export function isDirectoryUpdate(message: UpstreamBody['messages'][number]): boolean {
  return message.role === 'system' && JSON.stringify(message.content).includes('# Environment update');
}

/**
 * The body the API got for the `index`th message request, as far as the conversation goes: without
 * the per-session metadata, with the name of the CLI's (per-process, random) empty working
 * directory made neutral, and without the directory-change notes the CLI adds on resume and the
 * cache breakpoints.
 */
export function upstreamBody(proxy: RealCliProxy, index: number): Record<string, unknown> {
  const { metadata: _metadata, ...rest } = proxy.api.messageRequests()[index]?.body as UpstreamBody;
  // The cache breakpoint sits on the last message, which is the note where there is one.
  const neutral = JSON.parse(
    JSON.stringify(rest).replace(/claude-code-wrapper\/run-[\w-]+/g, 'RUN-DIR'),
    (key, value: unknown) => (key === 'cache_control' ? undefined : value),
  ) as UpstreamBody;
  return { ...neutral, messages: neutral.messages.filter((message) => !isDirectoryUpdate(message)) };
}
