/**
 * @module
 * The public event union a caller can `switch` on while a run streams.
 */
import type { CliMessage } from './cli-message.js';
import type { ClaudeCodeResponse } from './response.js';

/** A content block of an assistant message, as the Messages API defines it (extra fields kept). */
export type AssistantContentBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature?: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown }
  | { readonly type: string; readonly [key: string]: unknown };

/** Fields every event carries. */
interface EventBase {
  /** The CLI line this event came from. */
  readonly message: CliMessage;
}

/** The CLI started (or resumed) a session for this turn. Emitted once per turn. */
export interface SessionStartEvent extends EventBase {
  readonly type: 'session_start';
  readonly sessionId: string;
  readonly model: string | undefined;
  readonly tools: readonly string[];
  readonly cwd: string | undefined;
  readonly permissionMode: string | undefined;
  readonly cliVersion: string | undefined;
}

/** A fragment of answer text, as the model produced it (needs `includePartialMessages`). */
export interface TextDeltaEvent extends EventBase {
  readonly type: 'text_delta';
  readonly text: string;
  /** Content block index within the current model message. */
  readonly index: number;
}

/** A fragment of the model's visible thinking (needs `includePartialMessages`). */
export interface ThinkingDeltaEvent extends EventBase {
  readonly type: 'thinking_delta';
  readonly thinking: string;
  readonly index: number;
}

/** A fragment of a tool call's JSON input (needs `includePartialMessages`). */
export interface ToolInputDeltaEvent extends EventBase {
  readonly type: 'tool_input_delta';
  readonly partialJson: string;
  readonly index: number;
}

/**
 * A model message (one API call) started streaming (needs `includePartialMessages`). Usage counts are
 * the API's at `message_start`: input tokens are final, output tokens are not.
 */
export interface MessageStartEvent extends EventBase {
  readonly type: 'message_start';
  /** The API message id (`msg_...`), when the CLI reported one. */
  readonly messageId: string | undefined;
  /** The model the API says answered (e.g. `claude-sonnet-5-5` for `--model sonnet`), when it said. */
  readonly model?: string | undefined;
  readonly inputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheCreationInputTokens: number;
}

/** The model started a tool call block; its input follows as `tool_input_delta` (needs `includePartialMessages`). */
export interface ToolUseStartEvent extends EventBase {
  readonly type: 'tool_use_start';
  readonly id: string;
  readonly name: string;
  /** Content block index within the current model message. */
  readonly index: number;
}

/** The model message's stop reason and output token count (needs `includePartialMessages`). */
export interface MessageDeltaEvent extends EventBase {
  readonly type: 'message_delta';
  /** e.g. `end_turn`, `tool_use`, `max_tokens`; null when the API did not say. */
  readonly stopReason: string | null;
  readonly outputTokens: number;
}

/** One complete model message (text, thinking and tool_use blocks). */
export interface AssistantMessageEvent extends EventBase {
  readonly type: 'assistant_message';
  readonly content: readonly AssistantContentBlock[];
  /** Text of the message's text blocks, joined. */
  readonly text: string;
  /** True for the CLI's synthetic message that carries a final API error. */
  readonly isApiError: boolean;
  /** Set when the message belongs to a sub-agent started by a tool call. */
  readonly parentToolUseId: string | null;
}

/** The model asked to run a tool. */
export interface ToolUseEvent extends EventBase {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
  readonly parentToolUseId: string | null;
}

/** A tool finished and its result went back to the model. */
export interface ToolResultEvent extends EventBase {
  readonly type: 'tool_result';
  readonly toolUseId: string;
  readonly content: unknown;
  readonly isError: boolean;
}

/** The CLI is retrying a failed API call itself. */
export interface ApiRetryEvent extends EventBase {
  readonly type: 'api_retry';
  readonly attempt: number;
  readonly maxRetries: number;
  readonly delayMs: number;
  readonly errorStatus: number | undefined;
  readonly error: string | undefined;
}

/** The run finished; `response` is the same object `result` resolves to. */
export interface ResultEvent extends EventBase {
  readonly type: 'result';
  readonly response: ClaudeCodeResponse;
}

/** Any other `system` line (status, permission_denied, compact_boundary...). */
export interface SystemEvent extends EventBase {
  readonly type: 'system';
  readonly subtype: string;
}

/** A line of a type this version of the wrapper does not know; passed through untouched. */
export interface UnknownEvent extends EventBase {
  readonly type: 'unknown';
}

/** Everything a streaming run yields. Switch on `type`. */
export type ClaudeEvent =
  | SessionStartEvent
  | TextDeltaEvent
  | ThinkingDeltaEvent
  | ToolInputDeltaEvent
  | MessageStartEvent
  | ToolUseStartEvent
  | MessageDeltaEvent
  | AssistantMessageEvent
  | ToolUseEvent
  | ToolResultEvent
  | ApiRetryEvent
  | ResultEvent
  | SystemEvent
  | UnknownEvent;
