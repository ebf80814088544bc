/**
 * @module
 * What a caller may pass as a prompt, and its validation. Prompts travel to the CLI on stdin as a
 * stream-json user message, never on argv.
 */
import { z } from 'zod';
import { parseOrThrow } from './config/validate.js';
import { ClaudeCodeValidationError } from './errors/index.js';

/** A text content block. */
export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

/** A base64 image content block (the Messages API shape). */
export interface ImageBlock {
  readonly type: 'image';
  readonly source: {
    readonly type: 'base64';
    readonly media_type: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
    readonly data: string;
  };
}

/** A block of a user prompt. */
export type PromptBlock = TextBlock | ImageBlock;

/** A prompt: plain text, or content blocks (text and base64 images). */
export type Prompt = string | readonly PromptBlock[];

const textPromptSchema = z.string().min(1, 'must not be empty');
const blockPromptSchema = z
  .array(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('text'), text: z.string() }).strict(),
      z
        .object({
          type: z.literal('image'),
          source: z
            .object({
              type: z.literal('base64'),
              media_type: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
              data: z
                .string()
                .min(1)
                .regex(/^[A-Za-z0-9+/=\s]+$/, 'must be base64'),
            })
            .strict(),
        })
        .strict(),
    ]),
  )
  .min(1, 'must contain at least one block');

/**
 * Validate a prompt.
 * @throws {@link ClaudeCodeValidationError} naming the bad block, e.g. `prompt[1].source.media_type`.
 */
export function validatePrompt(prompt: unknown): Prompt {
  // Choosing the schema by shape gives errors that point into the blocks instead of "no union member matched".
  if (Array.isArray(prompt)) return parseOrThrow(blockPromptSchema, prompt, 'prompt') as Prompt;
  if (typeof prompt !== 'string') {
    throw new ClaudeCodeValidationError('prompt', prompt, 'must be a string or an array of content blocks');
  }
  return parseOrThrow(textPromptSchema, prompt, 'prompt');
}

/** Plain-text view of a prompt, for history and logs. Images become `[image]`. */
export function promptToText(prompt: Prompt): string {
  if (typeof prompt === 'string') return prompt;
  return prompt.map((b) => (b.type === 'text' ? b.text : '[image]')).join('\n');
}
