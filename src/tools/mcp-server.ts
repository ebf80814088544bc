/**
 * @module
 * The in-process MCP server the CLI sees for client tools, as pure JSON-RPC handling. The CLI talks
 * to an "sdk"-type MCP server through `mcp_message` control requests on its stdout and expects the
 * server's JSON-RPC reply in the `control_response` (see `src/tools/README.md`). Nothing here does
 * I/O: {@link handleMcpMessage} says what to answer, or that a tool call needs the caller's result.
 */
import { asRecord } from '../core/cli-message.js';
import type { ClientToolDefinition } from './client-tool.js';

/** A JSON-RPC message as the CLI sends it inside `mcp_message`. */
export interface JsonRpcMessage {
  readonly jsonrpc?: string;
  readonly id?: string | number | null;
  readonly method?: string;
  readonly params?: unknown;
}

/** What to do with one message. */
export type McpAction =
  /** Answer now with this JSON-RPC `result`. */
  | { readonly kind: 'result'; readonly result: Record<string, unknown> }
  /** Answer now with a JSON-RPC error. */
  | { readonly kind: 'error'; readonly code: number; readonly message: string }
  /** A `tools/call`: answer once the caller's result for `toolUseId` is known. */
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly input: unknown;
      /** The API tool_use id the CLI passes in `_meta`; undefined if it did not. */
      readonly toolUseId: string | undefined;
    };

/** Server name, version and tools. */
export interface McpServerInfo {
  readonly name: string;
  readonly version: string;
  readonly tools: readonly ClientToolDefinition[];
}

/** JSON-RPC "method not found". */
const METHOD_NOT_FOUND = -32601;
/** JSON-RPC "invalid params". */
const INVALID_PARAMS = -32602;

/** Decide how to answer one MCP message from the CLI's client. */
export function handleMcpMessage(message: JsonRpcMessage, server: McpServerInfo): McpAction {
  const params = asRecord(message.params);
  switch (message.method) {
    case 'initialize':
      return {
        kind: 'result',
        result: {
          // Echo the client's version: the server has no version-specific behaviour.
          protocolVersion:
            typeof params?.['protocolVersion'] === 'string' ? params['protocolVersion'] : '2025-06-18',
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: server.name, version: server.version },
        },
      };
    case 'tools/list':
      return {
        kind: 'result',
        result: {
          tools: server.tools.map((tool) => ({
            name: tool.name,
            ...(tool.description === undefined ? {} : { description: tool.description }),
            inputSchema: tool.inputSchema,
            // Client tools must be in the model's first prompt, never behind tool search.
            _meta: { 'anthropic/alwaysLoad': true },
          })),
        },
      };
    case 'tools/call': {
      const name = typeof params?.['name'] === 'string' ? params['name'] : undefined;
      if (name === undefined || !server.tools.some((tool) => tool.name === name)) {
        return { kind: 'error', code: INVALID_PARAMS, message: `Unknown tool: ${String(name)}` };
      }
      const toolUseId = asRecord(params?.['_meta'])?.['claudecode/toolUseId'];
      return {
        kind: 'call',
        name,
        input: params?.['arguments'] ?? {},
        toolUseId: typeof toolUseId === 'string' ? toolUseId : undefined,
      };
    }
    case 'ping':
      return { kind: 'result', result: {} };
    default:
      // Notifications (`notifications/initialized`, `notifications/cancelled`) need only an ack.
      if (message.method?.startsWith('notifications/')) return { kind: 'result', result: {} };
      return {
        kind: 'error',
        code: METHOD_NOT_FOUND,
        message: `Method not found: ${String(message.method)}`,
      };
  }
}

/** The `mcp_response` payload for an action that answers now. */
export function mcpResponse(
  id: JsonRpcMessage['id'],
  answer: { readonly result: Record<string, unknown> } | { readonly code: number; readonly message: string },
): Record<string, unknown> {
  const body =
    'result' in answer
      ? { result: answer.result }
      : { error: { code: answer.code, message: answer.message } };
  return { mcp_response: { jsonrpc: '2.0', id: id ?? 0, ...body } };
}
