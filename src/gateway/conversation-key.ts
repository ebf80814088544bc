/**
 * @module
 * The key under which a conversation prefix is remembered: sha256 of the canonical JSON of
 * `{ model, system, messages }`. Normalisation makes equivalent requests share a key:
 * - string content → `[{ type: 'text', text }]` (already done by the request schema);
 * - `cache_control`, `citations` and other presentation fields are dropped;
 * - thinking blocks are dropped (clients may or may not send them back);
 * - text is trimmed (some clients strip the whitespace of answers they store);
 * - object keys are sorted.
 */
import { createHash } from 'node:crypto';
import type { RequestContentBlock, RequestMessage } from '../compat/anthropic/request-schema.js';

/** What identifies a conversation prefix. */
export interface ConversationKeyInput {
  /** The model id as requested. */
  readonly model: string;
  /** The system prompt as one string, if any. */
  readonly system: string | undefined;
  /** The messages of the prefix, oldest first. */
  readonly messages: readonly KeyMessage[];
}

/** A message as far as the key is concerned (a validated request message, or an answer). */
export interface KeyMessage {
  readonly role: RequestMessage['role'];
  readonly content: readonly (RequestContentBlock | { readonly type: 'text'; readonly text: string })[];
}

/** The store key for a conversation prefix (64 hex characters). */
export function conversationKey(input: ConversationKeyInput): string {
  const canonical = canonicalJson({
    v: 1,
    model: input.model,
    system: input.system ?? null,
    messages: input.messages.map((m) => ({ role: m.role, content: normalizeContent(m.content) })),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function normalizeContent(content: KeyMessage['content']): unknown[] {
  return content.flatMap((block): unknown[] => normalizeBlock(block as RequestContentBlock));
}

function normalizeBlock(block: RequestContentBlock): unknown[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text.trim() }];
    case 'image':
      return [{ type: 'image', source: pick(block.source, ['type', 'media_type', 'data', 'url']) }];
    case 'tool_use':
      return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
    case 'tool_result':
      return [
        {
          type: 'tool_result',
          tool_use_id: block.tool_use_id,
          is_error: block.is_error ?? false,
          content: (block.content ?? []).flatMap((inner) => normalizeBlock(inner)),
        },
      ];
    case 'thinking':
    case 'redacted_thinking':
      return [];
  }
}

function pick(record: object, keys: readonly string[]): Record<string, unknown> {
  const source = record as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

/** JSON with object keys sorted at every level, so equal values always serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => [key, sortKeys(record[key])]),
  );
}
