/**
 * @module
 * The fallback for a conversation whose earlier turns no CLI session knows: the history is written
 * into the prompt with clear role markers, followed by the new turn. Images in the history are kept
 * in place. It is one small function so a better strategy (e.g. a synthesized CLI transcript that
 * `--resume` can load) can replace it without touching the callers.
 */
import type { PromptBlock } from '../core/prompt.js';
import { appendBlock, contentToPromptBlocks } from '../compat/anthropic/content-to-prompt.js';
import type { RequestMessage } from '../compat/anthropic/request-schema.js';

const PREAMBLE =
  'The conversation so far is quoted below. Continue it: reply to the final message, which follows the history.';

const LABELS: Readonly<Record<RequestMessage['role'], string>> = {
  user: 'Human',
  assistant: 'Assistant',
  system: 'System',
};

/**
 * One prompt holding `history` (as `Human:` / `Assistant:` / `System:` sections inside
 * `<conversation_history>`) and then the new turn.
 *
 * @example
 * ```text
 * The conversation so far is quoted below. Continue it: reply to the final message, which follows the history.
 *
 * <conversation_history>
 * Human: What is 2+2?
 *
 * Assistant: 4.
 * </conversation_history>
 *
 * And times 3?
 * ```
 */
export function buildContextForUnknownHistory(
  history: readonly RequestMessage[],
  newTurn: readonly PromptBlock[],
): PromptBlock[] {
  const out: PromptBlock[] = [{ type: 'text', text: `${PREAMBLE}\n\n<conversation_history>` }];
  // A blank system message says nothing: no empty `System:` section for it.
  const said = history.filter((message) => message.role !== 'system' || hasText(message.content));
  said.forEach((message, i) => {
    appendSection(out, { type: 'text', text: `${LABELS[message.role]}:` }, i === 0 ? '\n' : '\n\n');
    contentToPromptBlocks(message.content).forEach((block, j) =>
      appendBlock(out, block, j === 0 ? ' ' : '\n'),
    );
  });
  appendSection(out, { type: 'text', text: '</conversation_history>' }, '\n');
  newTurn.forEach((block, j) => (j === 0 ? appendSection(out, block, '\n\n') : appendBlock(out, block)));
  return out;
}

function hasText(content: RequestMessage['content']): boolean {
  return (content as readonly { type: string; text?: unknown }[]).some(
    (block) => block.type !== 'text' || (typeof block.text === 'string' && block.text.trim() !== ''),
  );
}

/** Append a block that starts a new section: `separator` goes before it even after an image. */
function appendSection(out: PromptBlock[], block: PromptBlock, separator: string): void {
  if (block.type === 'text' && out.at(-1)?.type !== 'text') {
    out.push({ type: 'text', text: `${separator}${block.text}` });
  } else {
    appendBlock(out, block, separator);
  }
}
