/**
 * @module
 * Run options for a run that serves client tools through a {@link ClientToolBridge}.
 */
import type { RunOptions } from '../client/run-options.js';
import { CLIENT_TOOL_SERVER, type ClientToolBridge } from './tool-bridge.js';

/** Default of `toolResultTimeoutMs`: how long a suspended run waits for the caller. @unit milliseconds */
export const DEFAULT_TOOL_RESULT_TIMEOUT_MS = 300_000;

/**
 * `options` plus what client tools need:
 * - `CLAUDE_AGENT_SDK_MCP_NO_PREFIX=1`: the CLI would otherwise rename every MCP tool to
 *   `mcp__<server>__<name>`; with it the model sees the caller's names unchanged;
 * - `--allowedTools mcp__<server>`: the tools are allowed without a permission prompt (in `-p` mode
 *   an unanswered prompt is a denial);
 * - token-level events, because the end of a model message (`message_delta` with
 *   `stop_reason: tool_use`) is where the run is suspended;
 * - the bridge itself, as the run's turn extension.
 *
 * @param configuredAllowedTools `allowedTools` of the wrapper configuration, kept when the call has none.
 */
export function withClientTools(
  options: RunOptions,
  bridge: ClientToolBridge,
  configuredAllowedTools: readonly string[] = [],
): RunOptions {
  return {
    ...options,
    env: { ...options.env, CLAUDE_AGENT_SDK_MCP_NO_PREFIX: '1' },
    // A per-call list replaces the configured one, so the configured rules are carried over here.
    allowedTools: [...(options.allowedTools ?? configuredAllowedTools), `mcp__${CLIENT_TOOL_SERVER}`],
    includePartialMessages: true,
    turnExtension: bridge,
  };
}
