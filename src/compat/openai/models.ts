/**
 * @module
 * Anthropic model list → OpenAI `GET /v1/models` response.
 */
import type { Model } from 'openai/resources/models';

/** The fields of an Anthropic `ModelInfo` the translation reads. */
export interface AnthropicModelLike {
  readonly id: string;
  /** RFC 3339 timestamp, e.g. `2025-02-19T00:00:00Z`. */
  readonly created_at: string;
}

/** An OpenAI model list response. */
export interface OpenAIModelList {
  readonly object: 'list';
  readonly data: Model[];
}

/**
 * Translate Anthropic model entries into an OpenAI model list. `created` is Unix seconds; an
 * unparseable `created_at` becomes 0 rather than failing the whole list.
 *
 * @example
 * ```ts
 * toOpenAIModelList([{ id: 'claude-sonnet-4-5', created_at: '2025-09-29T00:00:00Z' }]);
 * // { object: 'list', data: [{ id: 'claude-sonnet-4-5', object: 'model', created: 1759104000, owned_by: 'anthropic' }] }
 * ```
 */
export function toOpenAIModelList(models: ReadonlyArray<AnthropicModelLike>): OpenAIModelList {
  return {
    object: 'list',
    data: models.map((model) => ({
      id: model.id,
      object: 'model',
      created: toUnixSeconds(model.created_at),
      owned_by: 'anthropic',
    })),
  };
}

function toUnixSeconds(timestamp: string): number {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
