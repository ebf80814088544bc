/**
 * Generated blocks of README.md: the text between `<!-- name -->` and `<!-- /name -->`, which a
 * test renders from the code and compares (the request-field tables, the conformance matrix);
 * with `UPDATE_README=1` the test writes its rendering there instead, formatted as prettier
 * formats the README, so no formatting pass is needed afterwards.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

/** The repository's README.md. */
export const README = new URL('../../README.md', import.meta.url);

/** Where the block `name` is in `readme` (`start`/`end` enclose `body`); throws when it is missing. */
export function readmeBlock(readme: string, name: string): { start: number; end: number; body: string } {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} section`);
  return { start: start + open.length, end, body: readme.slice(start + open.length, end) };
}

/** Whether this run rewrites the README's generated blocks (`UPDATE_README=1`). */
export function updatingReadme(): boolean {
  return process.env['UPDATE_README'] === '1';
}

/** Markdown as prettier formats it in the README (the repository's prettier options). */
export async function formatForReadme(markdown: string): Promise<string> {
  const path = fileURLToPath(README);
  const options = (await prettier.resolveConfig(path)) ?? {};
  return (await prettier.format(markdown, { ...options, filepath: path })).trim();
}

/** Replaces the body of the README's block `name` with `body`, formatted, between blank lines. */
export async function writeReadmeBlock(name: string, body: string): Promise<void> {
  const formatted = await formatForReadme(body);
  const readme = readFileSync(README, 'utf8');
  const { start, end } = readmeBlock(readme, name);
  writeFileSync(README, `${readme.slice(0, start)}\n\n${formatted}\n\n${readme.slice(end)}`);
}
