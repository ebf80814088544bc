/**
 * @module
 * The CLI's environment: the parent's, the caller's additions, and the wrapper's few settings.
 */
import type { ClaudeRunConfig } from '../core/config/schema.js';

/** Default for `CLAUDE_CODE_MAX_RETRIES`: the CLI's own default (10, up to ~30 s apart) is far too slow for a client library. */
export const DEFAULT_CLI_MAX_RETRIES = 2;

/** Build the environment for a CLI process. */
export function buildCliEnv(
  options: Pick<ClaudeRunConfig, 'env' | 'cliMaxRetries'>,
  base: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  // Node flags meant for this process (e.g. a test runner's loaders) must not leak into the CLI; the
  // official SDK drops NODE_OPTIONS for the same reason.
  delete env['NODE_OPTIONS'];
  env['CLAUDE_CODE_MAX_RETRIES'] = String(options.cliMaxRetries ?? DEFAULT_CLI_MAX_RETRIES);
  Object.assign(env, options.env ?? {});
  return env;
}
