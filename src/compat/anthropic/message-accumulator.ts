/**
 * @module
 * The one fold from stream events to a `Message`, like the SDK's `MessageStream#accumulateMessage`.
 * `messages.create` is this fold over the stream (so streaming and non-streaming answers cannot
 * differ), and the client's `MessageStream` uses it for `finalMessage()`.
 */
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { ClaudeCodeProtocolError } from '../../core/errors/index.js';

// Partial tool-input JSON per block; parsed as soon as it is complete JSON.
const partialJson = new WeakMap<object, string>();

/**
 * Apply one event to `snapshot` (mutated in place, as the SDK does) and return it.
 * @throws {@link ClaudeCodeProtocolError} when an event arrives before `message_start`.
 */
export function accumulateEvent(snapshot: Message | undefined, event: RawMessageStreamEvent): Message {
  if (event.type === 'message_start') return structuredClone(event.message);
  if (snapshot === undefined) {
    throw new ClaudeCodeProtocolError(`stream event ${event.type} arrived before message_start`);
  }
  switch (event.type) {
    case 'content_block_start':
      snapshot.content.push(structuredClone(event.content_block));
      break;
    case 'content_block_delta':
      applyDelta(snapshot, event);
      break;
    case 'message_delta': {
      const { delta, usage } = event;
      snapshot.stop_reason = delta.stop_reason;
      snapshot.stop_sequence = delta.stop_sequence;
      snapshot.stop_details = delta.stop_details;
      snapshot.container = delta.container;
      snapshot.usage.output_tokens = usage.output_tokens;
      if (usage.input_tokens !== null) snapshot.usage.input_tokens = usage.input_tokens;
      if (usage.cache_creation_input_tokens !== null) {
        snapshot.usage.cache_creation_input_tokens = usage.cache_creation_input_tokens;
      }
      if (usage.cache_read_input_tokens !== null)
        snapshot.usage.cache_read_input_tokens = usage.cache_read_input_tokens;
      if (usage.server_tool_use !== null) snapshot.usage.server_tool_use = usage.server_tool_use;
      if (usage.output_tokens_details !== null)
        snapshot.usage.output_tokens_details = usage.output_tokens_details;
      break;
    }
    case 'content_block_stop':
    case 'message_stop':
      break;
  }
  return snapshot;
}

function applyDelta(
  snapshot: Message,
  event: Extract<RawMessageStreamEvent, { type: 'content_block_delta' }>,
): void {
  const block = snapshot.content[event.index];
  const { delta } = event;
  if (block === undefined) {
    throw new ClaudeCodeProtocolError(
      `content_block_delta for block ${event.index}, which was never started`,
    );
  }
  if (delta.type === 'text_delta' && block.type === 'text') block.text += delta.text;
  else if (delta.type === 'thinking_delta' && block.type === 'thinking') block.thinking += delta.thinking;
  else if (delta.type === 'signature_delta' && block.type === 'thinking') block.signature = delta.signature;
  else if (delta.type === 'citations_delta' && block.type === 'text') {
    block.citations = [...(block.citations ?? []), delta.citation];
  } else if (delta.type === 'input_json_delta' && 'input' in block) {
    const json = (partialJson.get(block) ?? '') + delta.partial_json;
    partialJson.set(block, json);
    try {
      (block as { input: unknown }).input = JSON.parse(json);
    } catch {
      // Not complete yet.
    }
  }
}

/** Fold a whole stream (or a list of its events) into the final `Message`. */
export async function collectMessage(
  events: AsyncIterable<RawMessageStreamEvent> | Iterable<RawMessageStreamEvent>,
): Promise<Message> {
  let snapshot: Message | undefined;
  for await (const event of events) snapshot = accumulateEvent(snapshot, event);
  if (snapshot === undefined)
    throw new ClaudeCodeProtocolError('the stream ended without a message_start event');
  return snapshot;
}
