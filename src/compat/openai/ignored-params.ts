/**
 * @module
 * Request parameters the translation drops. They are reported as warnings rather than rejected:
 * most clients send some of them by default, and the Anthropic layer applies its own policy to what
 * reaches the CLI.
 */
import type { ChatCompletionRequest } from './request-schema.js';

// Valid OpenAI parameters with no Anthropic/CLI equivalent in this translation, each with the
// value that means "default behaviour" (null, false and [] always do). The Messages API types no
// longer carry sampling parameters, and the CLI never took them. `response_format` and
// `reasoning_effort` are honoured (see `to-anthropic.ts`).
const ignoredParams: Readonly<Record<string, unknown>> = {
  temperature: 1,
  top_p: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  seed: undefined,
  logit_bias: undefined,
  logprobs: undefined,
  top_logprobs: 0,
  functions: undefined,
  function_call: 'none',
  modalities: undefined,
  audio: undefined,
  prediction: undefined,
  web_search_options: undefined,
  verbosity: undefined,
  service_tier: 'auto',
};

/**
 * One warning per ignored parameter that was set to something other than its default, so a client
 * that sends `logprobs: false` or `temperature: 1` hears nothing.
 *
 * @example
 * ```ts
 * collectIgnoredParams({ ...request, seed: 7 }); // ["'seed' is not supported and was ignored"]
 * ```
 */
export function collectIgnoredParams(request: ChatCompletionRequest): string[] {
  const warnings: string[] = [];
  for (const [name, neutral] of Object.entries(ignoredParams)) {
    const value = request[name];
    if (!isDefault(value) && value !== neutral) warnings.push(`'${name}' is not supported and was ignored`);
  }
  return warnings;
}

function isDefault(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  return Array.isArray(value) && value.length === 0;
}
