/**
 * @module
 * Which request parameters the Claude Code CLI cannot honour. The policy for them (warn or reject)
 * lives in `translate-request.ts`; this file only finds them.
 */
import type { MessagesRequest } from './request-schema.js';

/** One parameter the backend cannot honour, and why. */
export interface UnsupportedParam {
  /** Dotted field path, e.g. `temperature` or `thinking.budget_tokens`. */
  readonly field: string;
  /** What cannot be done, phrased to follow the field name. */
  readonly problem: string;
}

const NOT_SUPPORTED = 'not supported by the Claude Code CLI';

// SDK fields for platform features that have no CLI equivalent.
const PLATFORM_FIELDS = [
  'container',
  'diagnostics',
  'inference_geo',
  'user_profile_id',
  'workspace_id',
] as const;

/**
 * List the parameters of `request` the CLI cannot honour, in a stable order.
 * Silently accepted because they change nothing observable: `metadata`, `service_tier`,
 * `cache_control` (the CLI manages prompt caching itself), `stream`, `thinking` other than
 * `enabled`, `output_config.effort` (passed as `--effort`), `output_config.format` (`--json-schema`). `tools` and `tool_choice` are judged
 * by `client-tools.ts` (client tools are supported; server tools are not).
 */
export function findUnsupportedParams(
  request: MessagesRequest,
  unknownFields: readonly string[],
): UnsupportedParam[] {
  const found: UnsupportedParam[] = [];
  const add = (field: string, problem: string): void => {
    found.push({ field, problem });
  };
  if (request.temperature !== undefined)
    add('temperature', `${NOT_SUPPORTED} (it samples with its own settings)`);
  if (request.top_p !== undefined) add('top_p', NOT_SUPPORTED);
  if (request.top_k !== undefined) add('top_k', NOT_SUPPORTED);
  if (request.thinking?.type === 'enabled') {
    add(
      'thinking.budget_tokens',
      'the CLI sets its own thinking budget; the requested budget is not applied',
    );
  }
  if (request.speed === 'fast') add('speed', 'fast mode is not supported through this API');
  for (const field of PLATFORM_FIELDS) {
    if (request[field] !== undefined && request[field] !== null) add(field, NOT_SUPPORTED);
  }
  for (const field of unknownFields) add(field, 'unknown parameter');
  return found;
}
