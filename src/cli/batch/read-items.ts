/**
 * @module
 * Batch input: JSONL (one `{ "id"?, "prompt", ...options }` object per line) or CSV (a header row
 * naming `prompt` and optionally `id`, `model`, `system`, `append_system`). Every item is validated
 * before anything runs, so a typo on line 900 does not cost 899 paid runs first.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RunOptions } from '../../client/run-options.js';
import { runOptionsSchema } from '../../core/config/schema.js';
import { parseOrThrow } from '../../core/config/validate.js';
import { CliUsageError } from '../exit-codes.js';
import { parseCsv } from './parse-csv.js';

/** One prompt of a batch. */
export interface BatchItem {
  /** From the input's `id`, else the line number (JSONL) or data row number (CSV). */
  readonly id: string;
  readonly prompt: string;
  /** Per-item options; they override the command's flags. */
  readonly options: RunOptions;
}

/**
 * Read and validate a batch file. The format follows the extension (`.csv`, else JSONL).
 * @throws {@link CliUsageError} or {@link ClaudeCodeValidationError} naming the file and line (exit 2).
 */
export async function readItems(path: string): Promise<BatchItem[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const items = /\.csv$/i.test(path) ? fromCsv(text, path) : fromJsonl(text, path);
  if (items.length === 0) throw new CliUsageError(`${path} contains no prompts`);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw new CliUsageError(`${path}: id "${item.id}" appears more than once`);
    seen.add(item.id);
  }
  return items;
}

function fromJsonl(text: string, path: string): BatchItem[] {
  const items: BatchItem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${basename(path)} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CliUsageError(`${where}: not valid JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CliUsageError(`${where}: expected an object like {"prompt": "..."}`);
    }
    const { id, prompt, system, appendSystem, ...rest } = value as Record<string, unknown>;
    const aliases = { systemPrompt: system, appendSystemPrompt: appendSystem };
    items.push(makeItem(where, id ?? index + 1, prompt, { ...rest, ...aliases }));
  });
  return items;
}

const CSV_OPTION_COLUMNS: Readonly<Record<string, string>> = {
  model: 'model',
  system: 'systemPrompt',
  append_system: 'appendSystemPrompt',
  appendsystem: 'appendSystemPrompt',
};

function fromCsv(text: string, path: string): BatchItem[] {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (error) {
    throw new CliUsageError(`${basename(path)}: ${(error as Error).message}`);
  }
  const [header, ...data] = rows;
  const columns = (header?.fields ?? []).map((name) => name.trim().toLowerCase());
  if (!columns.includes('prompt')) {
    throw new CliUsageError(`${basename(path)}: the header row must have a "prompt" column`);
  }
  return data.map((row, index) => {
    const cell = (name: string): string | undefined => {
      const value = row.fields[columns.indexOf(name)];
      return columns.includes(name) && value !== undefined && value !== '' ? value : undefined;
    };
    const options: Record<string, unknown> = {};
    // Other columns (expected answers, notes...) are the user's own data and are ignored.
    for (const [column, field] of Object.entries(CSV_OPTION_COLUMNS)) {
      const value = cell(column);
      if (value !== undefined) options[field] = value;
    }
    return makeItem(`${basename(path)} line ${row.line}`, cell('id') ?? index + 1, cell('prompt'), options);
  });
}

function makeItem(where: string, id: unknown, prompt: unknown, options: Record<string, unknown>): BatchItem {
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
    throw new CliUsageError(`${where}: "id" must be a string or a number`);
  }
  if (String(id).trim() === '') throw new CliUsageError(`${where}: "id" must not be empty`);
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    throw new CliUsageError(`${where}: "prompt" must be a non-empty string`);
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { id: String(id), prompt, options: parseOrThrow(runOptionsSchema, defined, `${where} ->`) };
}
