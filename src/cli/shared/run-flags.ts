/**
 * @module
 * The flags that shape a run (`--model`, `--system`, `--tools`...), shared by `ask`, `stream`,
 * `session`, `batch` and `benchmark`, and their translation into library {@link RunOptions}.
 */
import type { Command } from 'commander';
import type { RunOptions } from '../../client/run-options.js';
import { CliUsageError } from '../exit-codes.js';
import { parseInteger, parseToolList } from './parse-flags.js';
import { readJsonFile } from './read-input.js';

/** Parsed values of the run flags (commander's camelCase names). */
export interface RunFlags {
  readonly system?: string;
  readonly appendSystem?: string;
  readonly model?: string;
  readonly tools?: string[];
  readonly allowedTools?: string[];
  readonly maxTurns?: number;
  readonly cwd?: string;
  readonly timeout?: number;
  readonly jsonSchema?: string;
}

/** Which optional run flags a command offers. */
export interface RunFlagSet {
  /** `--json-schema <file>` (structured output). @default true */
  readonly jsonSchema?: boolean;
}

/** Add the run flags to `command`. */
export function addRunFlags(command: Command, { jsonSchema = true }: RunFlagSet = {}): Command {
  command
    .option('-m, --model <model>', 'model alias (sonnet, opus) or full model id')
    .option('-s, --system <prompt>', "replace Claude Code's system prompt")
    .option('--append-system <prompt>', 'append to the system prompt')
    .option('--tools <list>', 'built-in tools, comma-separated; "" for none', parseToolList)
    .option('--allowed-tools <list>', 'tools allowed without asking, e.g. "Read,Bash(git:*)"', parseToolList)
    .option('--max-turns <n>', 'maximum agentic turns (model calls) per prompt', parseInteger())
    .option('--cwd <dir>', 'working directory of the Claude Code CLI')
    .option('--timeout <ms>', 'kill a run after this many milliseconds', parseInteger());
  if (jsonSchema) command.option('--json-schema <file>', 'JSON Schema file for structured output');
  return command;
}

/**
 * Translate run flags into library options. Values are validated again by the library, whose
 * errors name the field (exit 2).
 * @throws {@link CliUsageError} when the `--json-schema` file is unreadable or not a JSON object.
 */
export async function toRunOptions(flags: RunFlags): Promise<RunOptions> {
  const options: Record<string, unknown> = {
    model: flags.model,
    systemPrompt: flags.system,
    appendSystemPrompt: flags.appendSystem,
    tools: flags.tools,
    allowedTools: flags.allowedTools,
    maxTurns: flags.maxTurns,
    workingDirectory: flags.cwd,
    timeoutMs: flags.timeout,
  };
  if (flags.jsonSchema !== undefined) {
    const schema = await readJsonFile(flags.jsonSchema, '--json-schema');
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new CliUsageError(`--json-schema: ${flags.jsonSchema} must contain a JSON object`);
    }
    options['jsonSchema'] = schema;
  }
  // Unset flags must not override the configuration with `undefined`.
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RunOptions;
}
