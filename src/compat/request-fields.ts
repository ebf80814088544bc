/**
 * @module
 * How each wire API's top-level request fields are treated, as data: one {@link FieldTable} per
 * API (`anthropic/request-fields.ts`, `openai/request-fields.ts`,
 * `openai-responses/request-fields.ts`), read by the translation to find what it cannot honour,
 * rendered into the README's parameter tables, and compared with the installed official SDKs'
 * request types by a test, so a field the SDK grows is classified before it is served.
 */
import { echoValue } from './echo-value.js';

/**
 * - `honoured`: translated into what the CLI run does.
 * - `partly`: honoured with limits; the translation warns about the part it cannot do.
 * - `accepted`: accepted without effect and without a warning, because nothing observable differs
 *   (metadata, cache hints: the CLI manages prompt caching itself).
 * - `ignored`: dropped with an `x-claude-code-warnings` entry (400 under `strict`), unless the value
 *   is the API's default.
 * - `refused`: a 400 naming the field whenever it is set, since dropping it would change the answer.
 */
export type FieldTreatment = 'honoured' | 'partly' | 'accepted' | 'ignored' | 'refused';

/** The rule for one top-level field. */
export interface FieldRule {
  readonly treatment: FieldTreatment;
  /** What happens to it, in the words of the README's table (also the warning's text when ignored). */
  readonly how: string;
  /** Values meaning the API's default, which are never warned about (`null`, `false`, `[]` never are). */
  readonly neutral?: readonly unknown[];
}

/** Top-level field name → rule. */
export type FieldTable = Readonly<Record<string, FieldRule>>;

/** One field the backend cannot honour, and why. */
export interface UnsupportedParam {
  /** Dotted field path, e.g. `temperature` or `thinking.budget_tokens`. */
  readonly field: string;
  /** What cannot be done, phrased to follow the field name. */
  readonly problem: string;
}

/** The fields of one request the table says cannot be honoured. */
export interface FieldReport {
  /** Set to something other than the default and dropped (warnings; 400 under `strict`). */
  readonly ignored: readonly UnsupportedParam[];
  /** Set although the API cannot run with them (always 400). */
  readonly refused: readonly UnsupportedParam[];
}

/** The problem reported for a field no table lists. */
export const UNKNOWN_PARAMETER = 'unknown parameter';

/**
 * Judge the top-level fields of `body` by `table`: ignored fields set to a non-default value and
 * unknown fields are `ignored`, refused fields that are set are `refused`. Order: the body's.
 * @example
 * ```ts
 * findUnsupportedFields({ model: 'sonnet', seed: 7, zzz: 1 }, CHAT_REQUEST_FIELDS).ignored
 * // [{ field: 'seed', problem: 'not supported ...' }, { field: 'zzz', problem: 'unknown parameter' }]
 * ```
 */
export function findUnsupportedFields(body: object, table: FieldTable): FieldReport {
  const ignored: UnsupportedParam[] = [];
  const refused: UnsupportedParam[] = [];
  for (const [field, value] of Object.entries(body)) {
    const rule = Object.hasOwn(table, field) ? table[field] : undefined;
    if (rule === undefined) {
      if (value !== undefined) ignored.push({ field, problem: UNKNOWN_PARAMETER });
      continue;
    }
    if (isUnset(value)) continue;
    if (rule.treatment === 'refused') refused.push({ field, problem: rule.how });
    else if (rule.treatment === 'ignored' && !isNeutral(value, rule))
      ignored.push({ field, problem: rule.how });
  }
  return { ignored, refused };
}

/** The warning line for an ignored parameter, the same on every API. */
export function ignoredWarning(param: UnsupportedParam): string {
  return `${param.field}: ${param.problem}; ignored`;
}

/** The 400 message for a parameter refused under `strict`. */
export function strictRejection(param: UnsupportedParam): string {
  return `${param.field}: ${param.problem} (rejected because the server runs in strict mode)`;
}

/** The 400 message for a refused field, naming the value sent (cut to the echo limit). */
export function refusal(param: UnsupportedParam, value: unknown): string {
  return `${param.field}: ${param.problem} (got ${echoValue(JSON.stringify(value) ?? String(value))})`;
}

/**
 * The table as Markdown (`| field | treatment | how |`), in the table's order: what the README's
 * parameter section shows, checked against the code by a test.
 */
export function renderFieldTable(table: FieldTable): string {
  const rows = Object.entries(table).map(
    ([field, rule]) => `| \`${field}\` | ${rule.treatment} | ${rule.how.replaceAll('|', '\\|')} |`,
  );
  return ['| field | treatment | how |', '| --- | --- | --- |', ...rows].join('\n');
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null;
}

function isNeutral(value: unknown, rule: FieldRule): boolean {
  if (value === false) return true;
  if (Array.isArray(value) && value.length === 0) return true;
  // Neutral lists and objects (`modalities: ['text']`) compare by their JSON.
  const json = typeof value === 'object' ? JSON.stringify(value) : undefined;
  return (rule.neutral ?? []).some(
    (neutral) => neutral === value || (json !== undefined && JSON.stringify(neutral) === json),
  );
}
