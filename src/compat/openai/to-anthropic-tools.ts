/**
 * @module
 * OpenAI `tools`, `tool_choice` and `parallel_tool_calls` → Anthropic `tools` and `tool_choice`.
 *
 * | OpenAI | Anthropic |
 * |---|---|
 * | `{ type: 'function', function: { name, description, parameters } }` | `{ name, description, input_schema: parameters }` |
 * | `tool_choice: 'auto'` / `'none'` | `{ type: 'auto' }` / `{ type: 'none' }` |
 * | `tool_choice: 'required'` | `{ type: 'any' }` |
 * | `tool_choice: { type: 'function', function: { name } }` | `{ type: 'tool', name }` |
 * | `parallel_tool_calls: false` | `disable_parallel_tool_use: true` |
 *
 * `strict` (OpenAI structured outputs for arguments) has no equivalent and is ignored with a warning.
 */
import type { Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionRequest } from './request-schema.js';

/** The Anthropic tool fields of a translated request (absent when the request has no tools). */
export interface AnthropicTools {
  readonly tools?: Tool[];
  readonly tool_choice?: ToolChoice;
}

/**
 * Translate the tool fields of a validated request.
 * @param warnings receives a note for each part that has no Anthropic equivalent.
 */
export function toAnthropicTools(request: ChatCompletionRequest, warnings: string[]): AnthropicTools {
  if ((request.tools ?? []).some((tool) => tool.function.strict === true)) {
    warnings.push(
      "'strict' function schemas are not enforced; arguments follow the schema as the model writes them",
    );
  }
  const choice = request.tool_choice;
  return functionToolFields(
    (request.tools ?? []).map((tool) => tool.function),
    typeof choice === 'object' && choice !== null ? { name: choice.function.name } : choice,
    request.parallel_tool_calls,
  );
}

/** A function tool as both OpenAI APIs define it (chat nests it under `function`, Responses does not). */
export interface FunctionToolDefinition {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly parameters?: Record<string, unknown> | null | undefined;
}

/** An OpenAI `tool_choice`, with a named function reduced to its name. */
export type FunctionToolChoice = 'none' | 'auto' | 'required' | { readonly name: string } | null | undefined;

/**
 * Function tools, `tool_choice` and `parallel_tool_calls` of either OpenAI API → the Anthropic tool
 * fields (the table in the module comment); nothing when there are no tools.
 */
export function functionToolFields(
  functions: readonly FunctionToolDefinition[],
  choice: FunctionToolChoice,
  parallelToolCalls: boolean | null | undefined,
): AnthropicTools {
  const tools = functions.map((fn): Tool => ({
    name: fn.name,
    ...(fn.description == null ? {} : { description: fn.description }),
    input_schema: { type: 'object', properties: {}, ...fn.parameters } as Tool['input_schema'],
  }));
  if (tools.length === 0) return {};
  const single = parallelToolCalls === false;
  let toolChoice: ToolChoice | undefined;
  if (choice === 'none') toolChoice = { type: 'none' };
  else if (choice === 'required') toolChoice = { type: 'any', disable_parallel_tool_use: single };
  else if (typeof choice === 'object' && choice !== null) {
    toolChoice = { type: 'tool', name: choice.name, disable_parallel_tool_use: single };
  } else if (single) toolChoice = { type: 'auto', disable_parallel_tool_use: true };
  return { tools, ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }) };
}
