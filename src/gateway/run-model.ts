/**
 * @module
 * Which model runs a request: the ONE place where a requested model name becomes the CLI's
 * `--model`, for every wire API (Messages, chat completions, Responses) and the SDK-shaped client.
 *
 * Rules, first match wins (names trimmed; the map and the aliases compared without case):
 * 1. An entry of the model map ({@link DEFAULT_MODEL_MAP} with the configured `modelMap` merged
 *    over it): `gpt-4o` → `sonnet`. Configured behaviour, so no warning.
 * 2. A CLI alias (`opus`, `sonnet`, `haiku`, `fable`) is passed as the alias.
 * 3. A `claude-...` id is passed unchanged (the CLI accepts full ids).
 * 4. Another name containing a family name (`anthropic.claude-sonnet-v2`, `my-opus`) → that alias,
 *    with a warning (a guess).
 * 5. Anything else (`gpt-4o-2024-08-06`, `default`) → `defaultModel`, or no `--model` at all (the
 *    wrapper's `model`, else the CLI's default), with a warning naming the requested name and
 *    the model used.
 *
 * Whatever ran, the response's `model` names it (from the CLI's `init` line and the upstream
 * `message_start`), so a caller can always see the model behind its answer.
 */
import { MODEL_FAMILY_ALIASES } from '../compat/anthropic/model-aliases.js';

/**
 * The built-in model map: common OpenAI model names → the Claude alias of a similar tier. A
 * configured `modelMap` is merged over it (same key wins).
 */
export const DEFAULT_MODEL_MAP: Readonly<Record<string, string>> = Object.freeze({
  'gpt-4o': 'sonnet',
  'gpt-4o-mini': 'haiku',
  'gpt-4.1': 'sonnet',
  'gpt-4.1-mini': 'haiku',
  'gpt-4.1-nano': 'haiku',
  'gpt-5': 'opus',
  'gpt-5-mini': 'sonnet',
  'gpt-5-nano': 'haiku',
  o3: 'opus',
  'o3-mini': 'sonnet',
  'o4-mini': 'sonnet',
});

/** How names are resolved: the map and the fallback for unknown names. */
export interface ModelResolution {
  /** Requested name (any case) → model or alias, merged over {@link DEFAULT_MODEL_MAP}. */
  readonly modelMap?: Readonly<Record<string, string>> | undefined;
  /** `--model` for unknown names. Unset: no `--model` (the wrapper's `model`, else the CLI's default). */
  readonly defaultModel?: string | undefined;
  /** The wrapper's configured `model`, which applies when no `--model` is passed (for the warning's wording). */
  readonly configuredModel?: string | undefined;
}

/** The model a request runs with. */
export interface RunModel {
  /** `--model`, or undefined for "the default". */
  readonly model: string | undefined;
  /** Set when the name was not a Claude model, alias or map entry: what was run instead. */
  readonly warning: string | undefined;
}

/** A resolver over one merged map; build it once per service. */
export type RunModelResolver = (requested: string) => RunModel;

/**
 * A resolver for `options`: the map is merged and normalized once.
 * @example
 * const resolve = runModelResolver({ modelMap: { 'gpt-4o': 'opus' } });
 * resolve('GPT-4o'); // { model: 'opus', warning: undefined }
 * resolve('Sonnet'); // { model: 'sonnet', warning: undefined }
 * resolve('llama-3'); // { model: undefined, warning: "model 'llama-3' is not ...; ran the CLI's default model instead" }
 */
export function runModelResolver(options: ModelResolution = {}): RunModelResolver {
  const map = mergeModelMap(options.modelMap);
  const fallback = options.defaultModel ?? options.configuredModel;
  return (requested) => {
    const id = requested.trim();
    const lower = id.toLowerCase();
    const mapped = map.get(lower);
    if (mapped !== undefined) return { model: mapped, warning: undefined };
    const alias = MODEL_FAMILY_ALIASES.find((name) => name === lower);
    if (alias) return { model: alias, warning: undefined };
    if (lower.startsWith('claude-')) return { model: id, warning: undefined };
    const family = MODEL_FAMILY_ALIASES.find((name) => lower.includes(name));
    if (family) {
      return {
        model: family,
        warning: `model '${id}' is not a Claude model id; ran '${family}', the family its name contains`,
      };
    }
    const used = fallback === undefined ? "the CLI's default model" : `the default model '${fallback}'`;
    return {
      model: options.defaultModel,
      warning: `model '${id}' is not a Claude model, alias or modelMap entry; ran ${used} instead`,
    };
  };
}

/** {@link DEFAULT_MODEL_MAP} with `modelMap` merged over it, keys trimmed and lower-cased. */
export function mergeModelMap(
  modelMap: Readonly<Record<string, string>> | undefined,
): ReadonlyMap<string, string> {
  const merged = new Map<string, string>();
  for (const [name, model] of Object.entries({ ...DEFAULT_MODEL_MAP, ...modelMap })) {
    merged.set(name.trim().toLowerCase(), model.trim());
  }
  return merged;
}
