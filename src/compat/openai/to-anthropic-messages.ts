/**
 * @module
 * OpenAI `messages` → Anthropic `system` + `messages`. System and developer turns become the
 * top-level system prompt; user and assistant turns keep their roles, and consecutive turns of the
 * same role merge into one message because the Anthropic API requires roles to alternate. An
 * assistant's `tool_calls` become `tool_use` blocks (arguments parsed from JSON), and `tool` turns
 * become `tool_result` blocks of a user message, so a run of tool results plus a following user turn
 * is one Anthropic user message with the results first, as the API requires.
 */
import type {
  AssistantMessageParam,
  ContentBlockParam,
  TextBlockParam,
  UserMessageParam,
} from '@anthropic-ai/sdk/resources/messages';
import { invalidRequest } from './errors.js';
import { parseFunctionArguments } from './function-arguments.js';
import type { ChatMessage, ConversationMessage, InstructionMessage, ToolMessage } from './message-schema.js';

/** An Anthropic user or assistant message (never the SDK's `system` message variant). */
export type TurnParam = UserMessageParam | AssistantMessageParam;

/** The conversation part of an Anthropic request. */
export interface AnthropicConversation {
  /** System and developer text joined with blank lines, or undefined when there was none. */
  readonly system: string | undefined;
  /** Alternating user/assistant messages, each with at least one content block. */
  readonly messages: TurnParam[];
}

/**
 * Translate validated OpenAI messages.
 *
 * @param warnings - receives a note for each system message that had to move to the top
 * @throws {@link OpenAIApiError} 400 when no user or assistant message has any content
 */
export function toAnthropicConversation(
  input: readonly ChatMessage[],
  warnings: string[],
): AnthropicConversation {
  const instructions: string[] = [];
  const messages: TurnParam[] = [];
  input.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      // Anthropic has no mid-conversation system turn; say so when the position changes meaning.
      if (messages.length > 0) {
        warnings.push(
          `${message.role} message at messages[${index}] was moved to the top-level system prompt`,
        );
      }
      instructions.push(...instructionText(message));
      return;
    }
    const blocks = message.role === 'tool' ? [toolResultBlock(message)] : toContentBlocks(message, index);
    if (blocks.length === 0) return;
    const role = message.role === 'tool' ? 'user' : message.role;
    const previous = messages.at(-1);
    if (previous !== undefined && previous.role === role) {
      previous.content = [...asBlocks(previous.content), ...blocks];
    } else {
      messages.push({ role, content: blocks });
    }
  });
  if (messages.length === 0) {
    throw invalidRequest(
      "Invalid value for 'messages': at least one user or assistant message with non-empty content is required.",
      'messages',
      'invalid_value',
    );
  }
  const system = instructions.join('\n\n');
  return { system: system === '' ? undefined : system, messages };
}

function instructionText(message: InstructionMessage): string[] {
  const parts =
    typeof message.content === 'string' ? [message.content] : message.content.map((part) => part.text);
  return parts.filter((text) => text.trim() !== '');
}

/**
 * Content blocks for one user or assistant turn. Blank text is dropped because the Anthropic API
 * rejects whitespace-only text blocks; an assistant refusal is replayed as the text the user saw.
 */
function toContentBlocks(message: ConversationMessage, index: number): ContentBlockParam[] {
  if (message.role === 'assistant') {
    const content = message.content ?? message.refusal ?? '';
    const text =
      typeof content === 'string'
        ? textBlocks(content)
        : content.flatMap((part) => textBlocks(part.type === 'text' ? part.text : part.refusal));
    const calls = (message.tool_calls ?? []).map((call, j): ContentBlockParam => ({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseFunctionArguments(
        call.function.arguments,
        `messages[${index}].tool_calls[${j}].function.arguments`,
      ),
    }));
    return [...text, ...calls];
  }
  if (typeof message.content === 'string') return textBlocks(message.content);
  return message.content.flatMap((part): ContentBlockParam[] =>
    part.type === 'text' ? textBlocks(part.text) : [{ type: 'image', source: part.image_url.url }],
  );
}

/** A `tool` turn as a `tool_result` block (empty text is kept: an empty result is still a result). */
function toolResultBlock(message: ToolMessage): ContentBlockParam {
  const text =
    typeof message.content === 'string' ? message.content : message.content.map((part) => part.text).join('');
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content: text };
}

function textBlocks(text: string): TextBlockParam[] {
  return text.trim() === '' ? [] : [{ type: 'text', text }];
}

function asBlocks(content: TurnParam['content']): ContentBlockParam[] {
  return typeof content === 'string' ? textBlocks(content) : [...content];
}
