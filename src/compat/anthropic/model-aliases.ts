/**
 * @module
 * Requested model ids → what the CLI takes for `--model`, and the small model table served by
 * `GET /v1/models` and `client.models`.
 *
 * Rules, first match wins:
 * 1. A CLI alias (`opus`, `sonnet`, `haiku`, `fable`, any case) is passed as the alias.
 * 2. A full `claude-...` id is passed unchanged (the CLI accepts full ids).
 * 3. Another name that contains a family name (`anthropic.claude-sonnet-v2`, `my-opus`) → that alias.
 * 4. Anything else (`gpt-4o`, `default`) → the configured `defaultModel`, or no `--model` at all so
 *    the CLI's (or the wrapper config's) default applies.
 */
import type { ModelInfo, ModelLine } from '@anthropic-ai/sdk/resources/models';

/** Model families the CLI knows as `--model` aliases. */
export const MODEL_FAMILY_ALIASES = ['opus', 'sonnet', 'haiku', 'fable'] as const;

/** Options of {@link resolveCliModel}. */
export interface ModelAliasOptions {
  /** Model for requests naming a non-Claude model (e.g. `gpt-4`). Unset: let the CLI choose. */
  readonly defaultModel?: string | undefined;
}

/**
 * The `--model` value for a requested model id, or `undefined` for "use the default".
 * @example resolveCliModel('claude-opus-5-5') // 'claude-opus-5-5'
 * @example resolveCliModel('Sonnet') // 'sonnet'
 * @example resolveCliModel('gpt-4', { defaultModel: 'sonnet' }) // 'sonnet'
 */
export function resolveCliModel(requested: string, options: ModelAliasOptions = {}): string | undefined {
  const id = requested.trim();
  const lower = id.toLowerCase();
  const alias = MODEL_FAMILY_ALIASES.find((name) => name === lower);
  if (alias) return alias;
  if (lower.startsWith('claude-')) return id;
  const family = MODEL_FAMILY_ALIASES.find((name) => lower.includes(name));
  if (family) return family;
  return options.defaultModel;
}

interface ModelRow {
  readonly id: string;
  readonly displayName: string;
  readonly line: ModelLine;
  readonly createdAt: string;
  readonly maxInputTokens: number;
  readonly maxTokens: number;
}

// What the CLI offers through its aliases (`opus` → claude-opus-5-5, `sonnet` → claude-sonnet-5-5,
// `fable` → claude-fable-5-2, as observed with CLI 2.1.330), plus the current Haiku. Creation dates
// are informational only.
const MODELS: readonly ModelRow[] = [
  row('claude-opus-5-5', 'Claude Opus 5.5', 'opus', '2026-09-01T00:00:00Z', 1_000_000, 128_000),
  row('claude-sonnet-5-5', 'Claude Sonnet 5.5', 'sonnet', '2026-09-01T00:00:00Z', 1_000_000, 128_000),
  row('claude-fable-5-2', 'Claude Fable 5.2', 'fable', '2026-07-01T00:00:00Z', 1_000_000, 128_000),
  row('claude-haiku-4-5', 'Claude Haiku 4.5', 'haiku', '2025-10-01T00:00:00Z', 200_000, 64_000),
];

/** Models this backend advertises, newest families first, as the Models API returns them. */
export function listModels(): ModelInfo[] {
  return MODELS.map(toModelInfo);
}

/**
 * One model by id or alias (`opus` → `claude-opus-5-5`), or `undefined` when it is not in the table.
 * Ids missing from the table may still work with `messages.create`: the CLI decides.
 */
export function findModel(idOrAlias: string): ModelInfo | undefined {
  const lower = idOrAlias.trim().toLowerCase();
  const match = MODELS.find((m) => m.id === lower) ?? MODELS.find((m) => m.line === lower);
  return match ? toModelInfo(match) : undefined;
}

function row(
  id: string,
  displayName: string,
  line: ModelLine,
  createdAt: string,
  maxInputTokens: number,
  maxTokens: number,
): ModelRow {
  return { id, displayName, line, createdAt, maxInputTokens, maxTokens };
}

function toModelInfo(model: ModelRow): ModelInfo {
  return {
    id: model.id,
    type: 'model',
    display_name: model.displayName,
    created_at: model.createdAt,
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: model.line,
    max_input_tokens: model.maxInputTokens,
    max_tokens: model.maxTokens,
    retires_at: null,
  };
}
