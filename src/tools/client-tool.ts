/**
 * @module
 * The wrapper's own, API-neutral shapes for client tools: tools the caller defines and executes
 * itself. The Anthropic and OpenAI layers translate to and from these; `src/tools/` only ever sees
 * these shapes.
 */

/** A tool the caller defines (name, description, JSON Schema of its input). */
export interface ClientToolDefinition {
  /** Exactly the caller's name; the model sees it unchanged. */
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
 * by the built-in one (the CLI keeps its own), so such names are refused while built-in tools are
 * enabled; the first two exist even with built-in tools off.
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

/** Names the CLI keeps for itself even when its built-in tools are off. */
export const ALWAYS_RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set([
  'DeferredToolPlaceholder',
  'StructuredOutput',
]);
