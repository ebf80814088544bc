/**
 * Client tool schemas that JSON cannot serialise never throw inside the CLI's stdout handler (an
 * uncaught exception there ends the host process): too-deep schemas are refused up front, other
 * unserialisable answers become an MCP error and a failed turn.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it, vi } from 'vitest';
import { ClaudeCodeAnthropic } from '../../src/sdk-client/client.js';
import { ClaudeCodeProtocolError, ClaudeCodeValidationError } from '../../src/index.js';
import { CLIENT_TOOL_SERVER, ClientToolBridge } from '../../src/tools/tool-bridge.js';
import { nestedSchema } from '../support/schemas.js';
import type { FakeClaudeScenario } from '../fixtures/fake-claude-helpers.mjs';
import { useFakeClaude } from './helpers.js';

const setup = useFakeClaude();
const oneCall: FakeClaudeScenario = {
  default: { kind: 'reply', clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
};

describe('client tool schemas that cannot be serialised', () => {
  it('a schema nested 6000 levels deep is a validation error, for the library and the Anthropic API', async () => {
    const inputSchema = nestedSchema(6000);
    expect(() => new ClientToolBridge([{ name: 'get_weather', inputSchema }])).toThrow(
      ClaudeCodeValidationError,
    );
    expect(() => new ClientToolBridge([{ name: 'get_weather', inputSchema }])).toThrow(
      expect.objectContaining({ field: 'tools[0].input_schema' }) as Error,
    );
    const { wrapper, fake } = await setup(oneCall);
    const client = new ClaudeCodeAnthropic({ wrapper });
    const tools = [{ name: 'get_weather', input_schema: inputSchema }] as unknown as Anthropic.Tool[];
    await expect(
      client.messages.create({
        model: 'claude-sonnet-5-5',
        max_tokens: 10,
        tools,
        messages: [{ role: 'user', content: 'weather?' }],
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(fake.invocations()).toHaveLength(0);
  });

  it('an answer JSON cannot hold fails the turn with a protocol error, the host survives', async () => {
    const { wrapper, fake } = await setup(oneCall);
    // A BigInt passes the depth check but makes JSON.stringify throw (TypeError).
    const bridge = new ClientToolBridge([
      { name: 'get_weather', inputSchema: { type: 'object', default: 10n } as Record<string, unknown> },
    ]);
    const error: unknown = await wrapper.run('weather?', { turnExtension: bridge }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaudeCodeProtocolError);
    expect((error as Error).message).toMatch(/tools\/list/);
    expect(fake.invocations()).toHaveLength(1);
  });

  it('answers the CLI with an MCP error when the real answer cannot be sent', () => {
    const bridge = new ClientToolBridge([
      { name: 'get_weather', inputSchema: { type: 'object', default: 10n } as Record<string, unknown> },
    ]);
    const written: string[] = [];
    const stop = vi.fn();
    const controls = {
      // Like CliProcess.send: false, never a throw, for a line JSON cannot hold.
      send: (line: Record<string, unknown>) => {
        try {
          written.push(JSON.stringify(line));
          return true;
        } catch {
          return false;
        }
      },
      request: () => Promise.resolve({}),
      holdTimers: () => () => {},
      stop,
    };
    const handled = bridge.onControlRequest(
      {
        type: 'control_request',
        request_id: 'req-1',
        request: {
          subtype: 'mcp_message',
          server_name: CLIENT_TOOL_SERVER,
          message: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        },
      },
      controls,
    );
    expect(handled).toBe(true);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0] ?? '{}')).toMatchObject({
      type: 'control_response',
      response: { request_id: 'req-1', response: { mcp_response: { id: 1, error: { code: -32603 } } } },
    });
    expect(stop).toHaveBeenCalledWith(expect.any(ClaudeCodeProtocolError));
  });
});
