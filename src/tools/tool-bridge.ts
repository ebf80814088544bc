/**
 * @module
 * `ClientToolBridge`: serves the caller's tools to one CLI run as an in-process ("sdk") MCP server
 * and holds each `tools/call` open until the caller delivers its result, so the run stays suspended
 * between two HTTP requests. It plugs into the turn as a {@link TurnExtension}:
 *
 * 1. `start`: `mcp_set_servers` registers the server (works on fresh and pre-spawned processes);
 * 2. the CLI's MCP client handshakes and lists the tools through `mcp_message` control requests;
 * 3. a `tools/call` is answered at once if its result is already known, otherwise held (and the
 *    run's timeouts paused) until {@link ClientToolBridge.deliver}.
 *
 * Client tools never execute on the server: the only thing a call can return is what the caller sent.
 */
import type { CliMessage } from '../core/cli-message.js';
import { asRecord } from '../core/cli-message.js';
import { ClaudeCodeProtocolError, ClaudeCodeValidationError } from '../core/errors/index.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../core/json-depth.js';
import type { TurnControls, TurnExtension } from '../process/drive-turn.js';
import { controlSuccessLine } from '../process/stdin-protocol.js';
import {
  callerToolName,
  modelToolName,
  type ClientToolCall,
  type ClientToolDefinition,
  type ClientToolResult,
} from './client-tool.js';
import { handleMcpMessage, mcpResponse, type JsonRpcMessage } from './mcp-server.js';

/** JSON-RPC "internal error". */
const INTERNAL_ERROR = -32603;

/** MCP server name the caller's tools are registered under (never shown to the model or caller). */
export const CLIENT_TOOL_SERVER = 'ccw_client_tools';

interface HeldCall {
  readonly call: ClientToolCall;
  readonly answer: (result: ClientToolResult) => void;
}

/** See the module comment. One bridge per run; reusable across the run's retried attempts. */
export class ClientToolBridge implements TurnExtension {
  readonly #tools: readonly ClientToolDefinition[];
  /** The tools as the CLI lists them: a Claude Code tool's name namespaced ({@link modelToolName}). */
  readonly #listed: readonly ClientToolDefinition[];
  readonly #results = new Map<string, ClientToolResult>();
  #held: HeldCall[] = [];

  /**
   * @param tools The caller's tools, exactly as the model should see them.
   * @throws {@link ClaudeCodeValidationError} for an input schema nested too deep to serialise.
   */
  constructor(tools: readonly ClientToolDefinition[]) {
    tools.forEach((tool, index) => {
      // The schema is serialised inside the CLI's stdout handler (tools/list); refuse it up front.
      if (exceedsJsonDepth(tool.inputSchema)) {
        throw new ClaudeCodeValidationError(
          `tools[${index}].input_schema`,
          '(deeply nested object)',
          `must not nest deeper than ${MAX_JSON_DEPTH} levels`,
        );
      }
    });
    this.#tools = tools;
    this.#listed = tools.map((tool) => ({ ...tool, name: modelToolName(tool.name) }));
  }

  /** The tools this bridge serves. */
  get tools(): readonly ClientToolDefinition[] {
    return this.#tools;
  }

  /** Calls the CLI is waiting on (ids), in the order it asked. */
  get waitingOn(): readonly string[] {
    return this.#held.map((held) => held.call.id);
  }

  /**
   * Hand over the caller's results. Held calls with a result are answered now; later calls find
   * theirs when the CLI asks (it asks for parallel calls one after another).
   */
  deliver(results: ReadonlyMap<string, ClientToolResult>): void {
    for (const [id, result] of results) this.#results.set(id, result);
    const still: HeldCall[] = [];
    for (const held of this.#held) {
      const result = this.#results.get(held.call.id);
      if (result === undefined) still.push(held);
      else held.answer(result);
    }
    this.#held = still;
  }

  async start(controls: TurnControls): Promise<void> {
    this.#held = [];
    const answer = await controls.request('mcp_set_servers', {
      servers: { [CLIENT_TOOL_SERVER]: { type: 'sdk', name: CLIENT_TOOL_SERVER } },
    });
    const errors = asRecord(answer['errors']);
    const problem = errors?.[CLIENT_TOOL_SERVER];
    if (problem !== undefined) {
      throw new Error(`the CLI refused the client tool server: ${JSON.stringify(problem)}`);
    }
  }

  onControlRequest(message: CliMessage, controls: TurnControls): boolean {
    const request = asRecord(message['request']);
    const requestId = message['request_id'];
    if (
      request?.['subtype'] !== 'mcp_message' ||
      request['server_name'] !== CLIENT_TOOL_SERVER ||
      typeof requestId !== 'string'
    ) {
      return false;
    }
    const rpc = (asRecord(request['message']) ?? {}) as JsonRpcMessage;
    const action = handleMcpMessage(rpc, { name: CLIENT_TOOL_SERVER, version: '1.0.0', tools: this.#listed });
    const reply = (payload: Record<string, unknown>): void => {
      if (controls.send(controlSuccessLine(requestId, payload))) return;
      // Not sent: the turn is over (then this fails too), or the answer cannot be serialised (a
      // value JSON cannot hold). Answer the CLI with an MCP error so it does not wait, and end
      // the turn: the model would otherwise run without the caller's tools.
      const fallback = mcpResponse(rpc.id, {
        code: INTERNAL_ERROR,
        message: 'the answer cannot be serialised',
      });
      if (controls.send(controlSuccessLine(requestId, fallback))) {
        controls.stop(
          new ClaudeCodeProtocolError(
            `Cannot answer the CLI's ${String(rpc.method)} for the client tools: a value cannot be serialised as JSON`,
          ),
        );
      }
    };
    if (action.kind === 'result') reply(mcpResponse(rpc.id, { result: action.result }));
    else if (action.kind === 'error') reply(mcpResponse(rpc.id, action));
    else this.#onCall(action, rpc.id, reply, controls);
    return true;
  }

  end(): void {
    // The process that asked is gone (or done); a retry asks again.
    this.#held = [];
  }

  #onCall(
    action: { readonly name: string; readonly input: unknown; readonly toolUseId: string | undefined },
    rpcId: JsonRpcMessage['id'],
    reply: (payload: Record<string, unknown>) => void,
    controls: TurnControls,
  ): void {
    if (action.toolUseId === undefined) {
      // Without the tool_use id the caller's result cannot be matched to this call.
      reply(mcpResponse(rpcId, { code: -32602, message: 'tools/call without claudecode/toolUseId' }));
      return;
    }
    const name = callerToolName(action.name) ?? action.name;
    const call: ClientToolCall = { id: action.toolUseId, name, input: action.input };
    const answer = (result: ClientToolResult): void => {
      reply(mcpResponse(rpcId, { result: toCallToolResult(result) }));
    };
    const ready = this.#results.get(call.id);
    if (ready !== undefined) return answer(ready);
    // Waiting for the caller is not the CLI being slow: pause the run's timeouts meanwhile.
    const release = controls.holdTimers();
    this.#held.push({
      call,
      answer: (result) => {
        release();
        answer(result);
      },
    });
  }
}

/** MCP `CallToolResult` for a caller's result. */
function toCallToolResult(result: ClientToolResult): Record<string, unknown> {
  return {
    content: result.content.map((part) =>
      part.type === 'text'
        ? { type: 'text', text: part.text }
        : { type: 'image', data: part.data, mimeType: part.mediaType },
    ),
    isError: result.isError,
  };
}
