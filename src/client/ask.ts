/**
 * @module
 * One-call helpers for scripts: a shared default wrapper configured from the environment.
 */
import { loadConfig } from '../core/config/load-config.js';
import type { Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { RunOptions } from './run-options.js';
import { ClaudeCodeWrapper } from './wrapper.js';

let shared: ClaudeCodeWrapper | undefined;

function defaultWrapper(): ClaudeCodeWrapper {
  shared ??= new ClaudeCodeWrapper(loadConfig());
  return shared;
}

/**
 * Ask Claude once and get the response (read `.content` for the text). Configuration comes from
 * `CLAUDE_CONFIG_PATH` and the `CLAUDE_*` environment variables; `options` override it.
 * Unlike `run`, a failed run throws ({@link ClaudeCodeRunError}) unless `throwOnError: false`.
 *
 * @example
 * ```ts
 * const { content } = await askClaude('What is 2 + 2?');
 * ```
 */
export async function askClaude(prompt: Prompt, options?: RunOptions): Promise<ClaudeCodeResponse> {
  return defaultWrapper().run(prompt, { throwOnError: true, ...options });
}

/**
 * Like {@link askClaude}, but a run the CLI reports as failed resolves with `isError` and full
 * metadata (cost, tokens, session id, messages) instead of throwing.
 */
export async function askClaudeJson(prompt: Prompt, options?: RunOptions): Promise<ClaudeCodeResponse> {
  return defaultWrapper().run(prompt, { throwOnError: false, ...options });
}
