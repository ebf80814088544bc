/**
 * @module
 * zod issues → the one-line messages the Messages API gives for invalid requests, so error handling
 * written against the real API (and humans reading logs) see the familiar shape:
 * `messages.1.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`.
 */
import type { z } from 'zod';
import { ECHO_LIMIT, echoValue } from '../echo-value.js';

type Issue = z.core.$ZodIssue;

/** Format the first issue as `path: problem`, noting how many more there are. */
export function formatFirstIssue(issues: readonly Issue[], input: unknown): string {
  const issue = issues[0];
  if (issue === undefined) return 'Invalid request body';
  const { path, problem } = describe(issue, input);
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${path.length > 0 ? `${path.map(pathSegment).join('.')}: ` : ''}${problem}${more}`;
}

// A path segment can be a client's key (a record entry, an unknown field): bound it too.
function pathSegment(key: PropertyKey): string {
  const text = String(key);
  return text.length <= ECHO_LIMIT ? text : `${text.slice(0, ECHO_LIMIT)}…(${text.length} chars)`;
}

function describe(issue: Issue, input: unknown): { path: readonly PropertyKey[]; problem: string } {
  const path = issue.path;
  switch (issue.code) {
    case 'invalid_type':
      return { path, problem: describeType(issue.expected, path, input) };
    case 'too_small':
      return { path, problem: describeBound('least', issue.origin, issue.minimum, issue.inclusive) };
    case 'too_big':
      return { path, problem: describeBound('most', issue.origin, issue.maximum, issue.inclusive) };
    case 'invalid_value':
      return { path, problem: `Input should be ${orList(issue.values.map((v) => quote(v)))}` };
    case 'invalid_union':
      return describeUnion(issue, path, input);
    case 'unrecognized_keys':
      return { path: [...path, issue.keys[0] ?? ''], problem: 'Extra inputs are not permitted' };
    default:
      return { path, problem: issue.message };
  }
}

function describeType(expected: string, path: readonly PropertyKey[], input: unknown): string {
  if (valueAt(input, path) === undefined) return 'Field required';
  const last = path.at(-1);
  if (last === 'content' || last === 'system')
    return 'Input should be a valid string or a list of content blocks';
  const names: Readonly<Record<string, string>> = {
    int: 'a valid integer',
    array: 'a valid list',
    object: 'a valid dictionary',
    record: 'a valid dictionary',
  };
  return `Input should be ${names[expected] ?? `a valid ${expected}`}`;
}

function describeBound(
  word: 'least' | 'most',
  origin: string,
  limit: number | bigint,
  inclusive?: boolean,
): string {
  const n = Number(limit);
  if (origin === 'array') return `List should have at ${word} ${n} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') return `String should have at ${word} ${n} character${n === 1 ? '' : 's'}`;
  const relation = word === 'least' ? 'greater than' : 'less than';
  return `Input should be ${relation}${inclusive === false ? '' : ' or equal to'} ${n}`;
}

function describeUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: readonly PropertyKey[],
  input: unknown,
): { path: readonly PropertyKey[]; problem: string } {
  // zod reports an unknown discriminator at `<object>.type`; the API names the object itself.
  const discriminator =
    'discriminator' in issue && typeof issue.discriminator === 'string' ? issue.discriminator : undefined;
  const options =
    'options' in issue && Array.isArray(issue.options) ? issue.options.map((o) => quote(o)) : [];
  if (discriminator === undefined) return { path, problem: issue.message };
  const objectPath = path.at(-1) === discriminator ? path.slice(0, -1) : path;
  const tag = valueAt(input, [...objectPath, discriminator]);
  const expected = options.join(', ');
  const problem =
    tag === undefined
      ? `Unable to extract tag using discriminator '${discriminator}'; expected one of: ${expected}`
      : `Input tag ${echoValue(tag)} found using '${discriminator}' does not match any of the expected tags: ${expected}`;
  return { path: objectPath, problem };
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'valid';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

// Only for the schema's own values (enum members, discriminator tags); a client's value goes
// through `echoValue`, which bounds its length and nesting.
function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : echoValue(value);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current === 'string' && key === 0) {
      // String content was normalised to one text block before validation.
      current = { type: 'text', text: current };
      continue;
    }
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
