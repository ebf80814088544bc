/**
 * @module
 * The CLI's model aliases and the small model table served by `GET /v1/models` and
 * `client.models`. Which model a request runs with (aliases, `claude-*` ids, the model map, the
 * default for unknown names) is decided in one place: `gateway/run-model.ts`.
 */
import type { ModelInfo, ModelLine } from '@anthropic-ai/sdk/resources/models';

/** Model families the CLI knows as `--model` aliases. */
export const MODEL_FAMILY_ALIASES = ['opus', 'sonnet', 'haiku', 'fable'] as const;

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
