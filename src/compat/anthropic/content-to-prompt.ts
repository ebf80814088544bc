/**
 * @module
 * Request content blocks → the wrapper's prompt blocks (text and base64 images). Blocks the CLI has
 * no input form for (tool calls and results from client-side tools) become clearly marked text, so
 * nothing the caller sent is silently dropped; thinking blocks are dropped, because the model's
 * earlier reasoning is not input for the next turn.
 */
import type { ImageBlock, PromptBlock } from '../../core/prompt.js';
import type { RequestContentBlock } from './request-schema.js';

/** Convert request blocks to prompt blocks, merging neighbouring text so the prompt stays compact. */
export function contentToPromptBlocks(content: readonly RequestContentBlock[]): PromptBlock[] {
  const out: PromptBlock[] = [];
  for (const block of content) {
    for (const part of blockToPrompt(block)) appendBlock(out, part);
  }
  return out;
}

/** Append a block, joining it to a preceding text block with `separator`. */
export function appendBlock(out: PromptBlock[], block: PromptBlock, separator = '\n'): void {
  const last = out.at(-1);
  if (block.type === 'text' && last?.type === 'text') {
    out[out.length - 1] = {
      type: 'text',
      text: last.text === '' ? block.text : `${last.text}${separator}${block.text}`,
    };
  } else {
    out.push(block);
  }
}

function blockToPrompt(block: RequestContentBlock): PromptBlock[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text }];
    case 'image':
      return toImage(block.source);
    case 'tool_use':
      return [
        {
          type: 'text',
          text: `[tool call ${block.name} (id ${block.id}) with input ${JSON.stringify(block.input)}]`,
        },
      ];
    case 'tool_result': {
      const status = block.is_error === true ? ' (error)' : '';
      const parts: PromptBlock[] = [
        { type: 'text', text: `[tool result for ${block.tool_use_id}${status}]` },
      ];
      for (const inner of block.content ?? []) {
        parts.push(
          ...(inner.type === 'text' ? [{ type: 'text' as const, text: inner.text }] : toImage(inner.source)),
        );
      }
      return parts;
    }
    case 'thinking':
    case 'redacted_thinking':
      return [];
  }
}

function toImage(source: { type: string }): ImageBlock[] {
  // The schema only lets base64 sources through; URL sources are rejected with a 400 there.
  if (source.type !== 'base64') return [];
  const { media_type, data } = source as ImageBlock['source'];
  return [{ type: 'image', source: { type: 'base64', media_type, data } }];
}

/** True when the blocks carry something the model can read (non-blank text or an image). */
export function hasPromptContent(blocks: readonly PromptBlock[]): boolean {
  return blocks.some((b) => b.type === 'image' || b.text.trim() !== '');
}
