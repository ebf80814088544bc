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
  const tools = (request.tools ?? []).map((tool): Tool => ({
    name: tool.function.name,
    ...(tool.function.description == null ? {} : { description: tool.function.description }),
    input_schema: { type: 'object', properties: {}, ...tool.function.parameters } as Tool['input_schema'],
  }));
  if ((request.tools ?? []).some((tool) => tool.function.strict === true)) {
    warnings.push(
      "'strict' function schemas are not enforced; arguments follow the schema as the model writes them",
    );
  }
  if (tools.length === 0) return {};
  const single = request.parallel_tool_calls === false;
  const choice = request.tool_choice;
  let toolChoice: ToolChoice | undefined;
  if (choice === 'none') toolChoice = { type: 'none' };
  else if (choice === 'required') toolChoice = { type: 'any', disable_parallel_tool_use: single };
  else if (typeof choice === 'object' && choice !== null) {
    toolChoice = { type: 'tool', name: choice.function.name, disable_parallel_tool_use: single };
  } else if (single) toolChoice = { type: 'auto', disable_parallel_tool_use: true };
  return { tools, ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }) };
}
