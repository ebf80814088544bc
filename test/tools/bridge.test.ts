/**
 * Unit tests: the in-process MCP server, the client tool bridge and the suspended-run registry.
 */
import { describe, expect, it, vi } from 'vitest';
import type { CliMessage } from '../../src/core/cli-message.js';
import type { TurnControls } from '../../src/process/drive-turn.js';
import { ConcurrencyGate } from '../../src/resilience/concurrency-gate.js';
import { handleMcpMessage } from '../../src/tools/mcp-server.js';
import type { RunCursor } from '../../src/tools/run-cursor.js';
import { SuspendedRuns, type SuspendedRun } from '../../src/tools/suspended-runs.js';
import { CLIENT_TOOL_SERVER, ClientToolBridge } from '../../src/tools/tool-bridge.js';
import { withClientTools } from '../../src/tools/tool-run-options.js';

const weather = {
  name: 'get_weather',
  description: 'Weather',
  inputSchema: { type: 'object', properties: {} },
};
const server = { name: 'srv', version: '1.0.0', tools: [weather] };

describe('handleMcpMessage', () => {
  it('answers the handshake and lists the tools unprefixed, always loaded', () => {
    expect(
      handleMcpMessage({ id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25' } }, server),
    ).toEqual({
      kind: 'result',
      result: {
        protocolVersion: '2025-11-25',
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: 'srv', version: '1.0.0' },
      },
    });
    expect(handleMcpMessage({ method: 'notifications/initialized' }, server)).toEqual({
      kind: 'result',
      result: {},
    });
    expect(handleMcpMessage({ id: 1, method: 'tools/list' }, server)).toEqual({
      kind: 'result',
      result: {
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            inputSchema: { type: 'object', properties: {} },
            _meta: { 'anthropic/alwaysLoad': true },
          },
        ],
      },
    });
  });

  it('turns tools/call into a call keyed by the tool_use id', () => {
    expect(
      handleMcpMessage(
        {
          id: 2,
          method: 'tools/call',
          params: {
            name: 'get_weather',
            arguments: { city: 'Oslo' },
            _meta: { 'claudecode/toolUseId': 'toolu_1' },
          },
        },
        server,
      ),
    ).toEqual({ kind: 'call', name: 'get_weather', input: { city: 'Oslo' }, toolUseId: 'toolu_1' });
    expect(handleMcpMessage({ id: 3, method: 'tools/call', params: { name: 'nope' } }, server)).toMatchObject(
      {
        kind: 'error',
        code: -32602,
      },
    );
    expect(handleMcpMessage({ id: 4, method: 'resources/list' }, server)).toMatchObject({
      kind: 'error',
      code: -32601,
    });
  });
});

/** TurnControls that record what the bridge writes and how it holds the timers. */
function fakeControls(answer: Record<string, unknown> = { added: [CLIENT_TOOL_SERVER], errors: {} }) {
  const sent: Record<string, unknown>[] = [];
  let holds = 0;
  const controls: TurnControls = {
    send: (line) => {
      sent.push(line);
      return true;
    },
    request: vi.fn(() => Promise.resolve(answer)),
    holdTimers: () => {
      holds += 1;
      return () => {
        holds -= 1;
      };
    },
    stop: vi.fn(),
  };
  return { controls, sent, holds: () => holds };
}

function mcpRequest(requestId: string, message: Record<string, unknown>): CliMessage {
  return {
    type: 'control_request',
    request_id: requestId,
    request: { subtype: 'mcp_message', server_name: CLIENT_TOOL_SERVER, message },
  };
}

function callRequest(requestId: string, toolUseId: string, rpcId: number): CliMessage {
  return mcpRequest(requestId, {
    jsonrpc: '2.0',
    id: rpcId,
    method: 'tools/call',
    params: { name: 'get_weather', arguments: {}, _meta: { 'claudecode/toolUseId': toolUseId } },
  });
}

describe('ClientToolBridge', () => {
  it('registers its server with mcp_set_servers before the prompt', async () => {
    const { controls } = fakeControls();
    await new ClientToolBridge([weather]).start(controls);
    expect(controls.request).toHaveBeenCalledWith('mcp_set_servers', {
      servers: { [CLIENT_TOOL_SERVER]: { type: 'sdk', name: CLIENT_TOOL_SERVER } },
    });
    const refused = fakeControls({ errors: { [CLIENT_TOOL_SERVER]: 'nope' } });
    await expect(new ClientToolBridge([weather]).start(refused.controls)).rejects.toThrow(/refused/);
  });

  it('holds tools/call with the timers paused until the result is delivered', () => {
    const { controls, sent, holds } = fakeControls();
    const bridge = new ClientToolBridge([weather]);
    expect(bridge.onControlRequest(callRequest('r1', 'toolu_a', 7), controls)).toBe(true);
    expect(sent).toEqual([]);
    expect(holds()).toBe(1);
    expect(bridge.waitingOn).toEqual(['toolu_a']);
    bridge.deliver(
      new Map([
        ['toolu_a', { content: [{ type: 'text', text: 'sunny' }], isError: false }],
        ['toolu_b', { content: [{ type: 'image', mediaType: 'image/png', data: 'AAAA' }], isError: true }],
      ]),
    );
    expect(holds()).toBe(0);
    expect(sent).toEqual([
      {
        type: 'control_response',
        response: {
          subtype: 'success',
          request_id: 'r1',
          response: {
            mcp_response: {
              jsonrpc: '2.0',
              id: 7,
              result: { content: [{ type: 'text', text: 'sunny' }], isError: false },
            },
          },
        },
      },
    ]);
    // The second parallel call is asked for later and answered at once.
    bridge.onControlRequest(callRequest('r2', 'toolu_b', 8), controls);
    expect(sent[1]).toMatchObject({
      response: {
        request_id: 'r2',
        response: {
          mcp_response: {
            result: { content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }], isError: true },
          },
        },
      },
    });
  });

  it('ignores control requests that are not for its server', () => {
    const { controls } = fakeControls();
    const bridge = new ClientToolBridge([weather]);
    expect(
      bridge.onControlRequest(
        { type: 'control_request', request_id: 'x', request: { subtype: 'can_use_tool' } },
        controls,
      ),
    ).toBe(false);
    expect(
      bridge.onControlRequest(
        {
          type: 'control_request',
          request_id: 'y',
          request: { subtype: 'mcp_message', server_name: 'other', message: {} },
        },
        controls,
      ),
    ).toBe(false);
  });

  it('adds what client tools need to the run options', () => {
    const bridge = new ClientToolBridge([weather]);
    const options = withClientTools({ env: { A: '1' }, tools: [] }, bridge, ['Read']);
    expect(options).toMatchObject({
      env: { A: '1', CLAUDE_AGENT_SDK_MCP_NO_PREFIX: '1' },
      allowedTools: ['Read', `mcp__${CLIENT_TOOL_SERVER}`],
      includePartialMessages: true,
      tools: [],
      turnExtension: bridge,
    });
  });
});

function fakeRun(ids: string[]): SuspendedRun & { aborted: unknown[]; finish(error?: Error): void } {
  const aborted: unknown[] = [];
  let settle!: (error?: Error) => void;
  const result = new Promise<never>((_resolve, reject) => {
    settle = (error) => reject(error ?? new Error('ended'));
  });
  result.catch(() => {});
  const cursor = { result, abort: (reason: unknown) => aborted.push(reason) } as unknown as RunCursor;
  return {
    cursor,
    bridge: new ClientToolBridge([weather]),
    toolUseIds: ids,
    aborted,
    finish: (e) => settle(e),
  };
}

describe('SuspendedRuns', () => {
  it('hands a run to the request answering exactly its calls', () => {
    const runs = new SuspendedRuns();
    const run = fakeRun(['a', 'b']);
    runs.suspend(run, 60_000);
    expect(runs.claim(['a'])).toEqual({ kind: 'mismatch', missing: ['b'], unexpected: [] });
    expect(runs.claim(['a', 'b', 'c'])).toEqual({ kind: 'mismatch', missing: [], unexpected: ['c'] });
    expect(runs.claim(['x'])).toEqual({ kind: 'unknown' });
    expect(runs.size).toBe(1);
    expect(runs.claim(['b', 'a'])).toEqual({ kind: 'live', run });
    expect(runs.size).toBe(0);
    expect(runs.claim(['a', 'b'])).toEqual({ kind: 'unknown' });
  });

  it('aborts a run at its deadline and explains late answers', () => {
    vi.useFakeTimers();
    try {
      const runs = new SuspendedRuns();
      const run = fakeRun(['a']);
      runs.suspend(run, 2000);
      vi.advanceTimersByTime(2001);
      expect(run.aborted).toHaveLength(1);
      const claim = runs.claim(['a']);
      expect(claim).toMatchObject({ kind: 'expired', reason: expect.stringContaining('within 2 s') });
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets a run that dies while suspended', async () => {
    const runs = new SuspendedRuns();
    const run = fakeRun(['a']);
    runs.suspend(run, 60_000);
    run.finish(new Error('CLI crashed'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs.claim(['a'])).toEqual({ kind: 'expired', reason: 'the suspended run failed: CLI crashed' });
  });
});

describe('SuspendedRuns with concurrency slots', () => {
  it('keeps the slot parked while the run waits and hands it to the request that continues it', async () => {
    const gate = new ConcurrencyGate(1, 0);
    const runs = new SuspendedRuns();
    const run = fakeRun(['a']);
    runs.suspend(run, 60_000, { gate, release: await gate.acquire() });
    expect(gate.parked).toBe(1);
    const claim = runs.claim(['a']);
    expect(claim).toMatchObject({ kind: 'live', run, release: expect.any(Function) });
    expect(gate.parked).toBe(0);
    expect(gate.active).toBe(1);
    if (claim.kind === 'live') claim.release?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gate.active).toBe(0);
  });

  it('stops the run whose slot another request takes, and explains a late answer', async () => {
    const gate = new ConcurrencyGate(1, 0);
    const runs = new SuspendedRuns();
    const run = fakeRun(['a']);
    runs.suspend(run, 60_000, { gate, release: await gate.acquire() });
    // A new request finds no free slot: it takes the parked one at once.
    await gate.acquire();
    expect(run.aborted).toHaveLength(1);
    expect(runs.size).toBe(0);
    expect(runs.claim(['a'])).toEqual({
      kind: 'expired',
      reason: expect.stringContaining('another request needed its concurrency slot'),
    });
  });

  it('frees the slot at the deadline', async () => {
    vi.useFakeTimers();
    try {
      const gate = new ConcurrencyGate(1, 0);
      const runs = new SuspendedRuns();
      const run = fakeRun(['a']);
      runs.suspend(run, 2000, { gate, release: await gate.acquire() });
      vi.advanceTimersByTime(2001);
      expect(run.aborted).toHaveLength(1);
      expect(gate.parked).toBe(0);
      await vi.runAllTimersAsync();
      expect(gate.active).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('dismisses a run nobody will answer: stopped now, late answers explained', () => {
    const runs = new SuspendedRuns();
    const run = fakeRun(['a']);
    runs.dismiss(run, 'the caller ends its run at this call');
    expect(run.aborted).toHaveLength(1);
    expect(runs.claim(['a'])).toEqual({ kind: 'expired', reason: 'the caller ends its run at this call' });
  });
});
