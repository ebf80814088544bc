/**
 * @module
 * Shared set-up for the client tool tests with the real CLI: a fake Messages API that answers with
 * tool calls while the caller's tools are present and no results came back yet, and a text answer
 * quoting the tool results otherwise.
 */
import type { RecordedRequest } from '../fixtures/fake-api.mjs';
import { lastUserText, startFakeApi, type FakeApi, type FakeBehavior } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';
import type { ClaudeCodeConfig } from '../../src/core/config/schema.js';
import { createServer } from '../../src/http/server.js';

/** A JSON Schema the tests use for every tool. */
export const CITY_SCHEMA: { type: 'object'; properties: Record<string, unknown>; required: string[] } = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name' } },
  required: ['city'],
};

interface ApiBody {
  tools?: { name: string; description?: string; input_schema?: unknown }[];
  messages: { role: string; content: unknown }[];
}

/** The body of a recorded request, typed as far as the tests read it. */
export function bodyOf(request: RecordedRequest | undefined): ApiBody {
  return (request?.body ?? { messages: [] }) as ApiBody;
}

/** Tool names the API request offered the model (the CLI's placeholder excluded). */
export function offeredTools(request: RecordedRequest | undefined): string[] {
  return (bodyOf(request).tools ?? []).map((t) => t.name).filter((n) => n !== 'DeferredToolPlaceholder');
}

/** The tool_result blocks of the last user message of an API request. */
export function toolResultsOf(request: RecordedRequest | undefined): Record<string, unknown>[] {
  const last = bodyOf(request)
    .messages.filter((m) => m.role === 'user')
    .at(-1);
  if (!Array.isArray(last?.content)) return [];
  return (last.content as Record<string, unknown>[]).filter((b) => b['type'] === 'tool_result');
}

/** Every tool_result block of an API request, from all its messages. */
export function allToolResults(request: RecordedRequest | undefined): Record<string, unknown>[] {
  return bodyOf(request).messages.flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as Record<string, unknown>[]).filter((b) => b['type'] === 'tool_result')
      : [],
  );
}

/** Text of a tool_result's content (string or blocks). */
export function resultText(block: Record<string, unknown> | undefined): string {
  const content = block?.['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as { type: string; text?: string }[])
    .filter((b) => b.type === 'text' && !(b.text ?? '').startsWith('[Image'))
    .map((b) => b.text ?? '')
    .join('');
}

/**
 * Default behaviour: with a `get_weather` tool offered and no tool results in the last message, call
 * it (for each city named in the prompt when it says "parallel"); otherwise answer
 * `Final: <result texts joined by |>` (or the echo when there are no results).
 */
export function toolLoopBehavior(request: RecordedRequest): FakeBehavior {
  const results = toolResultsOf(request);
  if (results.length > 0) {
    const flags = results.map((r) => (r['is_error'] === true ? 'error:' : '') + resultText(r));
    return { kind: 'text', text: `Final: ${flags.join(' | ')}` };
  }
  if (!offeredTools(request).includes('get_weather')) return { kind: 'text' };
  if (lastUserText(request.body).includes('parallel')) {
    return {
      kind: 'tool_uses',
      text: 'Checking both.',
      calls: [
        { name: 'get_weather', input: { city: 'Paris' } },
        { name: 'get_weather', input: { city: 'Rome' } },
      ],
    };
  }
  return { kind: 'tool_use', name: 'get_weather', input: { city: 'Paris' }, text: 'Let me check.' };
}

/** A fake API with {@link toolLoopBehavior} and a CLI environment pointing at it. */
export async function startToolLoopApi(): Promise<{ api: FakeApi; cli: CliEnv; close(): Promise<void> }> {
  const api = await startFakeApi({ default: toolLoopBehavior });
  const cli = await makeCliEnv(api.url);
  return {
    api,
    cli,
    async close() {
      await api.close();
      await cli.cleanup();
    },
  };
}

/**
 * The proxy on a random loopback port, running the real CLI against a {@link toolLoopBehavior} fake
 * API. `close` stops the server, then the API and the CLI environment.
 */
export async function startToolLoopProxy(
  wrapper: Partial<ClaudeCodeConfig> = {},
): Promise<{ api: FakeApi; url: string; close(): Promise<void> }> {
  const loop = await startToolLoopApi();
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    wrapper: {
      claudeBinary: realClaudeBinary(),
      env: loop.cli.env,
      cliMaxRetries: 0,
      logLevel: 'silent',
      ...wrapper,
    },
  });
  const { url } = await server.listen();
  return {
    api: loop.api,
    url,
    async close() {
      await server.close();
      await loop.close();
    },
  };
}

/** Wrapper configuration for the real CLI against `cli`. */
export function realCliConfig(cli: CliEnv) {
  return {
    claudeBinary: realClaudeBinary(),
    env: cli.env,
    workingDirectory: cli.cwd,
    cliMaxRetries: 0,
    logLevel: 'silent' as const,
  };
}
