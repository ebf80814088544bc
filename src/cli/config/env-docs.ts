/**
 * @module
 * Every environment variable, generated from the two tables that the loaders parse with
 * (`CONFIG_ENV_VARS` for the library, `SERVER_ENV_VARS` for `serve`) and the two schemas' defaults:
 * what `claude-wrapper config env` prints and the README's variable table is checked against.
 */
import { CONFIG_ENV_VARS, CONFIG_PATH_ENV_VAR } from '../../core/config/load-config.js';
import { CONFIG_DEFAULTS } from '../../core/config/schema.js';
import type { EnvType } from '../../core/config/env.js';
import { parseServerOptions, SERVER_ENV_VARS } from '../../http/server-options.js';

/** One documented variable. */
export interface EnvVarDoc {
  readonly name: string;
  /** `wrapper`: every command and the library; `server`: `serve` only; `file`: the config file. */
  readonly scope: 'wrapper' | 'server' | 'file';
  /** The configuration field it sets (`server.x` for `serve`'s options). */
  readonly field: string;
  readonly type: EnvType;
  readonly description: string;
  /** The default, as printed; absent when there is none or it depends on the call. */
  readonly default?: string;
}

/** Every variable, library ones first. */
export function envVarDocs(): EnvVarDoc[] {
  const libraryDefaults = CONFIG_DEFAULTS as Readonly<Record<string, unknown>>;
  const { wrapper: serverWrapper, ...serverDefaults } = parseServerOptions({});
  const docs: EnvVarDoc[] = [
    {
      name: CONFIG_PATH_ENV_VAR,
      scope: 'file',
      field: '-',
      type: 'string',
      description: 'JSON config file (wrapper options, and `server` for `serve`)',
    },
  ];
  for (const [name, spec] of Object.entries(CONFIG_ENV_VARS)) {
    let shown = show(libraryDefaults[spec.path]);
    // `serve` logs one line per request, so its default level is one step chattier.
    if (spec.path === 'logLevel') shown = `${shown} (serve: ${show(serverWrapper.logLevel)})`;
    docs.push({
      name,
      scope: 'wrapper',
      field: spec.path,
      type: spec.type,
      description: spec.description,
      ...def(shown),
    });
  }
  for (const [name, spec] of Object.entries(SERVER_ENV_VARS)) {
    const shown = show((serverDefaults as Readonly<Record<string, unknown>>)[spec.path]);
    docs.push({
      name,
      scope: 'server',
      field: `server.${spec.path}`,
      type: spec.type,
      description: spec.description,
      ...def(shown),
    });
  }
  return docs;
}

/** The variables as a Markdown table (the README's). */
export function envVarsMarkdown(docs: readonly EnvVarDoc[] = envVarDocs()): string {
  const rows = docs.map((d) => [
    `\`${d.name}\``,
    d.field === '-' ? '' : `\`${d.field}\``,
    d.type,
    d.description,
    d.default === undefined ? '' : d.default,
  ]);
  return markdownTable(['variable', 'field', 'type', 'meaning', 'default'], rows);
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  return typeof value === 'string' ? `\`${value}\`` : String(value);
}

function def(shown: string | undefined): { default?: string } {
  return shown === undefined ? {} : { default: shown };
}
