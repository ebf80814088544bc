/**
 * @module
 * Request parameters the translation drops. They are reported as warnings rather than rejected:
 * most clients send some of them by default, and the Anthropic layer applies its own policy to what
 * reaches the CLI.
 */
import type { ChatCompletionRequest } from './request-schema.js';

// Valid OpenAI parameters with no Anthropic/CLI equivalent in this translation.
const ignoredParams = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'reasoning_effort',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'verbosity',
  'service_tier',
] as const;

/**
 * One warning per ignored parameter that was set to something other than its neutral value
 * (`null`, `false`, `0`, empty list), so a client that sends `logprobs: false` hears nothing.
 *
 * @example
 * ```ts
 * collectIgnoredParams({ ...request, seed: 7 }); // ["'seed' is not supported and was ignored"]
 * ```
 */
export function collectIgnoredParams(request: ChatCompletionRequest): string[] {
  const warnings: string[] = [];
  for (const name of ignoredParams) {
    if (!isNeutral(request[name])) warnings.push(`'${name}' is not supported and was ignored`);
  }
  const format = request.response_format?.type;
  if (format !== undefined && format !== 'text') {
    warnings.push(`'response_format' of type '${format}' is not supported and was ignored; the reply is free text`);
  }
  return warnings;
}

function isNeutral(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}
