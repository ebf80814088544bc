/**
 * @module
 * The caller-controlled settings that travel in the CLI's `initialize` control request on stdin
 * instead of argv, as the official Agent SDK sends them: argv is visible to every local user in
 * `/proc/<pid>/cmdline` and limited to 128 KiB per argument (E2BIG), stdin is neither. With the
 * real CLI (2.1.330) `initialize.systemPrompt` gives the API exactly the `system` that
 * `--system-prompt` gives, and likewise for `appendSystemPrompt` and `jsonSchema`.
 */
import type { ClaudeRunConfig } from '../core/config/schema.js';

/** Fields of the `initialize` request that a run sets. */
export interface InitializeFields {
  /** Replaces Claude Code's system prompt (was `--system-prompt`). */
  readonly systemPrompt?: string;
  /** Appended to the system prompt (was `--append-system-prompt`). */
  readonly appendSystemPrompt?: string;
  /** JSON Schema for structured output (was `--json-schema`). */
  readonly jsonSchema?: Readonly<Record<string, unknown>>;
}

/** The `initialize` fields for `options`, or undefined when the run sets none. */
export function buildInitializeFields(
  options: Pick<ClaudeRunConfig, 'systemPrompt' | 'appendSystemPrompt' | 'jsonSchema'>,
): InitializeFields | undefined {
  const fields: { -readonly [K in keyof InitializeFields]: InitializeFields[K] } = {};
  if (options.systemPrompt !== undefined) fields.systemPrompt = options.systemPrompt;
  if (options.appendSystemPrompt !== undefined) fields.appendSystemPrompt = options.appendSystemPrompt;
  if (options.jsonSchema) fields.jsonSchema = options.jsonSchema;
  return Object.keys(fields).length > 0 ? fields : undefined;
}
