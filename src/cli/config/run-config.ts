/**
 * @module
 * `claude-wrapper config show|validate [file]`.
 */
import { ClaudeCodeError, ClaudeCodeValidationError } from '../../core/errors/index.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { messageOf } from '../report-error.js';
import { formatTable } from '../shared/format.js';
import { createStyle } from '../shared/terminal.js';
import { describeConfig, type ConfigEntry, type ConfigReport } from './describe-config.js';
import { envVarDocs, envVarsMarkdown } from './env-docs.js';

/** Flags of `config show` and `config validate`. */
export interface ConfigFlags {
  readonly json?: boolean;
}

/** Flags of `config env`. */
export interface ConfigEnvFlags extends ConfigFlags {
  readonly markdown?: boolean;
}

/** Print every environment variable: the config field it sets, its type, meaning and default. */
export function runConfigEnv(flags: ConfigEnvFlags): void {
  const docs = envVarDocs();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
    return;
  }
  if (flags.markdown) {
    process.stdout.write(`${envVarsMarkdown(docs)}\n`);
    return;
  }
  const plain = (text: string): string => text.replaceAll('`', '');
  const rows = docs.map((d) => [d.name, d.field, d.type, plain(d.default ?? '-'), plain(d.description)]);
  process.stdout.write(`${formatTable([['variable', 'field', 'type', 'default', 'meaning'], ...rows])}\n`);
}

/** Print the resolved configuration and where each value came from. */
export function runConfigShow(file: string | undefined, flags: ConfigFlags): void {
  const report = describeConfig(file);
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
}

/**
 * Validate the configuration: exit 0 when valid; when invalid, the error names the field (exit 2).
 * With `--json` the verdict is printed as `{ valid, file, error? }` either way.
 */
export function runConfigValidate(file: string | undefined, flags: ConfigFlags): void {
  try {
    const report = describeConfig(file);
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ valid: true, file: report.file }, null, 2)}\n`
        : `valid: ${report.file ?? 'no config file'}${report.file ? '' : ' (defaults and environment only)'}\n`,
    );
  } catch (error) {
    if (!flags.json) throw error;
    const field = error instanceof ClaudeCodeValidationError ? error.field : null;
    const code = ClaudeCodeError.isInstance(error) ? error.code : 'UNKNOWN';
    const verdict = {
      valid: false,
      file: file ?? process.env['CLAUDE_CONFIG_PATH'] ?? null,
      error: { code, field, message: messageOf(error) },
    };
    process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
    process.exitCode = exitCodeFor(error) === EXIT.usage ? EXIT.usage : EXIT.runFailed;
  }
}

function formatReport(report: ConfigReport): string {
  const style = createStyle(process.stdout);
  const section = (title: string, entries: Readonly<Record<string, ConfigEntry>>): string => {
    const rows = Object.entries(entries).map(([field, e]) => [field, formatValue(e.value), formatSource(e)]);
    const table = formatTable([['field', 'value', 'source'], ...rows]).split('\n');
    return [style.bold(title), ...table.map((line) => `  ${line}`)].join('\n');
  };
  return [
    `config file: ${report.file ?? 'none (pass a file or set CLAUDE_CONFIG_PATH)'}`,
    '',
    section('wrapper (all commands)', report.wrapper),
    '',
    section('server (claude-wrapper serve; flags override)', report.server),
    '',
    style.dim('Unlisted wrapper fields are unset: the Claude Code CLI decides.'),
    '',
  ].join('\n');
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function formatSource(e: ConfigEntry): string {
  if (e.source === 'env') return `env ${e.variable ?? ''}`;
  if (e.source === 'file') return 'file';
  return e.note ? `default (${e.note})` : 'default';
}
