/**
 * @module
 * The `tool_result` blocks of a new user turn → the results a suspended run is waiting for.
 */
import type { ClientToolResult, ClientToolResultPart } from '../../tools/client-tool.js';
import { invalidRequest } from './errors.js';
import type { RequestContentBlock, RequestMessage } from './request-schema.js';

/** The tool results a user turn carries. */
export interface ToolResultsTurn {
  /** Results by tool_use id. */
  readonly results: ReadonlyMap<string, ClientToolResult>;
  /** The ids, in the order of the blocks. */
  readonly ids: readonly string[];
  /** Text and images the caller sent next to the results (they reach the model with the last one). */
  readonly extra: readonly ClientToolResultPart[];
}

/**
 * Read the tool results of `turn`; undefined when it has none.
 * @throws {@link AnthropicApiError} 400 when two results answer the same call.
 */
export function readToolResults(turn: RequestMessage): ToolResultsTurn | undefined {
  if (turn.role === 'system') return undefined;
  const results = new Map<string, ClientToolResult>();
  const extra: ClientToolResultPart[] = [];
  turn.content.forEach((block, i) => {
    if (block.type !== 'tool_result') {
      extra.push(...toParts([block]));
      return;
    }
    if (results.has(block.tool_use_id)) {
      throw invalidRequest(
        `messages: content.${i}: duplicate tool_result for tool_use_id ${block.tool_use_id}`,
      );
    }
    results.set(block.tool_use_id, {
      content: toParts(block.content ?? []),
      isError: block.is_error === true,
    });
  });
  if (results.size === 0) return undefined;
  return { results, ids: [...results.keys()], extra };
}

/**
 * The results to hand to the run: `extra` parts and `instruction` are appended to the result of
 * the last call, because a tool result is the only thing a waiting call can return.
 */
export function resultsForDelivery(
  turn: ToolResultsTurn,
  order: readonly string[],
  instruction: string | undefined,
): Map<string, ClientToolResult> {
  const results = new Map(turn.results);
  const last = order.at(-1);
  const tail = [
    ...turn.extra,
    ...(instruction === undefined ? [] : [{ type: 'text' as const, text: instruction }]),
  ];
  const result = last === undefined ? undefined : results.get(last);
  if (last !== undefined && result !== undefined && tail.length > 0) {
    results.set(last, { ...result, content: [...result.content, ...tail] });
  }
  return results;
}

/** The tool_use ids of the last assistant message in `history`. */
export function lastToolUseIds(history: readonly RequestMessage[]): string[] {
  const last = history.at(-1);
  if (last?.role !== 'assistant') return [];
  return last.content.flatMap((block) => (block.type === 'tool_use' ? [block.id] : []));
}

function toParts(blocks: readonly RequestContentBlock[]): ClientToolResultPart[] {
  return blocks.flatMap((block): ClientToolResultPart[] => {
    if (block.type === 'text') return block.text === '' ? [] : [{ type: 'text', text: block.text }];
    if (block.type === 'image' && block.source.type === 'base64') {
      const source = block.source as { media_type: string; data: string };
      return [{ type: 'image', mediaType: source.media_type, data: source.data }];
    }
    return [];
  });
}
