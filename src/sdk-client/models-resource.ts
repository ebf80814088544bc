/**
 * @module
 * `client.models`: the small model table of `model-aliases.ts`, shaped like the SDK's Models API.
 * `list()` can be awaited (a page with `data`) or iterated directly, like the SDK's `PagePromise`.
 */
import type { ModelInfo, ModelListParams } from '@anthropic-ai/sdk/resources/models';
import { AnthropicApiError } from '../compat/anthropic/errors.js';
import { findModel, listModels } from '../compat/anthropic/model-aliases.js';
import type { ClaudeCodeRequestOptions } from './messages-resource.js';

/** One page of models (there is only ever one). Iterating it yields the models. */
export interface ModelInfoPage extends AsyncIterable<ModelInfo> {
  readonly data: ModelInfo[];
  readonly has_more: boolean;
  readonly first_id: string | null;
  readonly last_id: string | null;
  /** Always false: the whole table fits in one page. */
  hasNextPage(): boolean;
}

/** A promise of a {@link ModelInfoPage} that can also be iterated directly (`for await (const m of client.models.list())`). */
export type ModelInfoPagePromise = Promise<ModelInfoPage> & AsyncIterable<ModelInfo>;

/** The `models` resource of {@link ClaudeCodeAnthropic}. */
export class ClaudeCodeModels {
  /** The advertised models; `limit` and `after_id`/`before_id` are applied to the table. */
  list(params?: ModelListParams | null, options?: ClaudeCodeRequestOptions): ModelInfoPagePromise {
    const page = toPage(paginate(listModels(), params ?? {}));
    const promise = options?.signal?.aborted ? Promise.reject(abortError()) : Promise.resolve(page);
    // Iterating directly never awaits the promise; that must not count as an unhandled rejection.
    promise.catch(() => {});
    return Object.assign(promise, { [Symbol.asyncIterator]: () => page[Symbol.asyncIterator]() });
  }

  /**
   * One model by id or alias.
   * @throws {@link AnthropicApiError} 404 `not_found_error` for a model not in the table.
   */
  async retrieve(modelId: string, _params?: unknown, options?: ClaudeCodeRequestOptions): Promise<ModelInfo> {
    if (options?.signal?.aborted) throw abortError();
    const model = findModel(modelId);
    if (model === undefined) throw new AnthropicApiError(404, 'not_found_error', `model: ${modelId}`);
    return model;
  }
}

function paginate(models: ModelInfo[], params: ModelListParams): ModelInfo[] {
  let result = models;
  if (params.after_id !== undefined)
    result = result.slice(result.findIndex((m) => m.id === params.after_id) + 1);
  if (params.before_id !== undefined) {
    const end = result.findIndex((m) => m.id === params.before_id);
    if (end >= 0) result = result.slice(0, end);
  }
  return params.limit !== undefined ? result.slice(0, params.limit) : result;
}

function toPage(data: ModelInfo[]): ModelInfoPage {
  return {
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    hasNextPage: () => false,
    async *[Symbol.asyncIterator]() {
      yield* data;
    },
  };
}

function abortError(): AnthropicApiError {
  return new AnthropicApiError(499, 'api_error', 'The request was cancelled');
}
