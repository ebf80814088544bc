/**
 * @module
 * The wrapper's own, API-neutral shapes for client tools: tools the caller defines and executes
 * itself. The Anthropic and OpenAI layers translate to and from these; `src/tools/` only ever sees
 * these shapes.
 */

/** A tool the caller defines (name, description, JSON Schema of its input). */
export interface ClientToolDefinition {
  /** Exactly the caller's name; the model sees {@link modelToolName} of it (the same, but for Claude Code's tool names). */
  readonly name: string;
  readonly description?: string | undefined;
  /** JSON Schema of the input object (`type: 'object'`). */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** One call the model made to a client tool. */
export interface ClientToolCall {
  /** The API's tool_use id (`toolu_...`); the caller answers with it. */
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

/** A content part of a tool result: text, or a base64 image. */
export type ClientToolResultPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly mediaType: string; readonly data: string };

/** What the caller's tool returned for one call. */
export interface ClientToolResult {
  readonly content: readonly ClientToolResultPart[];
  /** The tool failed; the model is told so (`is_error`). */
  readonly isError: boolean;
}

/**
 * Names Claude Code uses for its own tools. A client tool with one of these names would be shadowed
 * by the built-in one (the CLI keeps its own), so the model sees such a client tool under a
 * namespaced name ({@link modelToolName}); the caller always gets its own name back.
 */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set([
  'DeferredToolPlaceholder',
  'StructuredOutput',
  'Agent',
  'Task',
  'Bash',
  'BashOutput',
  'CronCreate',
  'CronDelete',
  'CronList',
  'Edit',
  'EnterWorktree',
  'ExitPlanMode',
  'ExitWorktree',
  'Glob',
  'Grep',
  'KillShell',
  'ListAgents',
  'LS',
  'Monitor',
  'MultiEdit',
  'NotebookEdit',
  'NotebookRead',
  'Read',
  'ReportFindings',
  'ScheduleWakeup',
  'SendMessage',
  'Skill',
  'TaskStop',
  'TodoWrite',
  'ToolSearch',
  'WebFetch',
  'WebSearch',
  'Workflow',
  'Write',
]);

/**
 * Prefix of a client tool's name as the model sees it when its own name is one of
 * {@link RESERVED_TOOL_NAMES}: the MCP form `mcp__<server>__<name>` of the client tool server.
 */
export const CLIENT_TOOL_NAME_PREFIX = 'mcp__ccw_client_tools__';

/**
 * The name the model (and the CLI) sees for the caller's tool `name`: unchanged, unless it is the
 * name of a Claude Code tool (or already starts with the prefix), then `mcp__ccw_client_tools__<name>`.
 * Stateless, so a suspended run, a stream and a history all map the same way.
 */
export function modelToolName(name: string): string {
  return RESERVED_TOOL_NAMES.has(name) || name.startsWith(CLIENT_TOOL_NAME_PREFIX)
    ? `${CLIENT_TOOL_NAME_PREFIX}${name}`
    : name;
}

/**
 * The caller's name for a tool the model called as `modelName` (the inverse of
 * {@link modelToolName}); undefined for a name that can only be Claude Code's own tool.
 */
export function callerToolName(modelName: string): string | undefined {
  if (modelName.startsWith(CLIENT_TOOL_NAME_PREFIX)) return modelName.slice(CLIENT_TOOL_NAME_PREFIX.length);
  return RESERVED_TOOL_NAMES.has(modelName) ? undefined : modelName;
}

/**
 * Whether a caller never answers these calls (the caller's tool names, one per call): Claude
 * Code's `--json-schema` offers its own `StructuredOutput` tool, and when the model calls it
 * Claude Code ends its run with the call's input as the result and sends no tool_result back
 * (only an input that fails the schema gets an error result, for the model to try again).
 */
export function callerEndsRunAt(calledTools: readonly string[]): boolean {
  return calledTools.length > 0 && calledTools.every((name) => name === 'StructuredOutput');
}
