/**
 * @module
 * `tools` and `tool_choice` of a Messages request → the client tools a run serves, and the
 * instruction that approximates what the CLI cannot enforce.
 *
 * | request | what happens |
 * |---|---|
 * | custom tool (`name`, `description`, `input_schema`) | served to the model unchanged, as a client tool |
 * | Anthropic-defined / server tool (`type: 'web_search_…'`, `bash_…`, …) | not available: warning (400 in strict mode) |
 * | `tool_choice: auto` (default) | the model decides |
 * | `tool_choice: none` | no tools are served, so the model cannot call any |
 * | `tool_choice: any` / `tool` | approximated: an instruction in the new turn asks for a tool call (the CLI cannot force one) |
 * | `disable_parallel_tool_use: true` | approximated: the instruction asks for at most one call |
 *
 * The instruction is added to the new user turn (never the system prompt) so it applies to this
 * request only: a suspended run continued with `tool_choice: auto` must not keep being told to call
 * tools.
 */
import { modelToolName, type ClientToolDefinition } from '../../tools/client-tool.js';
import { invalidRequest } from './errors.js';
import type { RequestTool, RequestToolChoice } from './tool-schema.js';

/** What a request asks of its tools. */
export interface ClientToolPlan {
  /** Tools to serve to the model (empty for `tool_choice: none`). */
  readonly tools: readonly ClientToolDefinition[];
  /** Names of all the caller's tools: their `tool_use` blocks are the caller's to answer. */
  readonly names: ReadonlySet<string>;
  /** `tool_choice.type`, `auto` when absent. */
  readonly choice: 'auto' | 'any' | 'tool' | 'none';
  /** Text for the new turn approximating `any` / `tool` / no parallel calls; undefined for plain `auto`. */
  readonly instruction: string | undefined;
}

/** Options of {@link planClientTools}. */
export interface PlanToolsOptions {
  /** Built-in CLI tools are enabled (client tools may still use their names: see `modelToolName`). */
  readonly allowCliTools?: boolean | undefined;
  /** Refuse unsupported tool types with 400 instead of ignoring them. */
  readonly strict?: boolean | undefined;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Plan the client tools of `request`. Undefined when it defines none.
 * @throws {@link AnthropicApiError} 400 for invalid tools or a `tool_choice` that names no tool.
 */
export function planClientTools(
  request: {
    readonly tools?: RequestTool[] | undefined;
    readonly tool_choice?: RequestToolChoice | undefined;
  },
  options: PlanToolsOptions,
  warnings: string[],
): ClientToolPlan | undefined {
  const tools: ClientToolDefinition[] = [];
  (request.tools ?? []).forEach((tool, i) => {
    const type = tool.type ?? 'custom';
    if (type !== 'custom') {
      const problem = `tools.${i}: tool type "${type}" (Anthropic-defined and server tools) is not supported by the Claude Code backend`;
      if (options.strict === true) throw invalidRequest(problem);
      warnings.push(`${problem}; ignored`);
      return;
    }
    tools.push(toDefinition(tool, i));
  });
  const choice = request.tool_choice;
  if (tools.length === 0) {
    if (choice?.type === 'any' || choice?.type === 'tool') {
      throw invalidRequest('tool_choice: may only be specified while providing tools');
    }
    return undefined;
  }
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (names.has(tool.name))
      throw invalidRequest(`tools.${i}.name: tool names must be unique (${tool.name})`);
    names.add(tool.name);
  }
  if (choice?.type === 'tool' && !names.has(choice.name)) {
    throw invalidRequest(`tool_choice.name: no tool named "${choice.name}" in tools`);
  }
  const single = choice !== undefined && choice.type !== 'none' && choice.disable_parallel_tool_use === true;
  return {
    tools: choice?.type === 'none' ? [] : tools,
    names,
    choice: choice?.type ?? 'auto',
    instruction: toolChoiceInstruction(
      choice?.type === 'tool' ? modelToolName(choice.name) : choice?.type,
      single,
    ),
  };
}

/**
 * The instruction approximating a `tool_choice` the CLI cannot enforce.
 * @param choice `any`, `auto`, `none`, undefined, or the name of the tool for `type: 'tool'`.
 */
export function toolChoiceInstruction(choice: string | undefined, single: boolean): string | undefined {
  let text: string | undefined;
  if (choice === 'any') {
    text = single
      ? 'Respond by calling exactly one of the available tools, not with text alone.'
      : 'Respond by calling one or more of the available tools, not with text alone.';
  } else if (choice !== undefined && choice !== 'auto' && choice !== 'none') {
    text = `Respond by calling the tool "${choice}"${single ? ' exactly once' : ''}, not with text alone.`;
  } else if (single && choice !== 'none') {
    text = 'Call at most one tool in this response.';
  }
  return text === undefined ? undefined : `<system-reminder>${text}</system-reminder>`;
}

function toDefinition(tool: RequestTool, i: number): ClientToolDefinition {
  if (!TOOL_NAME.test(tool.name)) {
    throw invalidRequest(`tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
  }
  const schema = tool.input_schema;
  if (schema === undefined) throw invalidRequest(`tools.${i}.input_schema: Field required`);
  if (schema['type'] !== 'object') {
    throw invalidRequest(`tools.${i}.input_schema.type: Input should be 'object'`);
  }
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: schema,
  };
}
