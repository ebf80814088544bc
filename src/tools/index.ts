/**
 * @module
 * Client tool calling: tools the caller defines and executes itself, served to a CLI run as an
 * in-process MCP server whose calls wait for the caller's results. Re-exports only; see README.md.
 */
export {
  RESERVED_TOOL_NAMES,
  ALWAYS_RESERVED_TOOL_NAMES,
  type ClientToolCall,
  type ClientToolDefinition,
  type ClientToolResult,
  type ClientToolResultPart,
} from './client-tool.js';
export {
  handleMcpMessage,
  mcpResponse,
  type JsonRpcMessage,
  type McpAction,
  type McpServerInfo,
} from './mcp-server.js';
export { ClientToolBridge, CLIENT_TOOL_SERVER } from './tool-bridge.js';
export { RunCursor } from './run-cursor.js';
export {
  SuspendedRuns,
  type ClaimResult,
  type SuspendedRun,
  type SuspendedRunsOptions,
} from './suspended-runs.js';
export { withClientTools, DEFAULT_TOOL_RESULT_TIMEOUT_MS } from './tool-run-options.js';
