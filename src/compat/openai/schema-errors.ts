/**
 * @module
 * Turning zod issues into one OpenAI 400 error whose `param` is the offending field path
 * (`messages[0].content[1].image_url.url`) and whose message names it, in OpenAI's own wording
 * where one exists ("Missing required parameter: 'model'.").
 */
import type { z } from 'zod';
import { ECHO_LIMIT } from '../echo-value.js';
import { invalidRequest, type OpenAIApiError } from './errors.js';

type Issue = z.core.$ZodIssue;

/** An issue together with its full path from the request root. */
interface LocatedIssue {
  readonly issue: Issue;
  readonly path: readonly PropertyKey[];
}

/**
 * Build the 400 error for the first issue. zod reports every issue; OpenAI reports one, and the
 * first is the one a caller fixes first.
 */
export function toInvalidRequestError(issues: readonly Issue[]): OpenAIApiError {
  const first = issues[0];
  if (first === undefined) return invalidRequest('Invalid request body.', null);
  const { issue, path } = locate(first, first.path);
  const param = path.length === 0 ? null : formatParam(path);
  const name = param === null ? 'the request body' : `'${param}'`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined && param !== null) {
        return invalidRequest(`Missing required parameter: ${name}.`, param, 'missing_required_parameter');
      }
      return invalidRequest(
        `Invalid type for ${name}: expected ${describeExpected(issue.expected)}, received ${describeInput(issue.input)}.`,
        param,
        'invalid_type',
      );
    case 'invalid_union':
      // A missing discriminator (`role`, `type`) reads better as a missing parameter.
      if (issue.discriminator !== undefined && readField(issue.input, issue.discriminator) === undefined) {
        return invalidRequest(`Missing required parameter: ${name}.`, param, 'missing_required_parameter');
      }
      return invalidRequest(`Invalid value for ${name}: ${describeUnion(issue)}.`, param, 'invalid_value');
    case 'custom': {
      const code: unknown = issue.params?.['code'];
      const text = `Invalid value for ${name}: ${issue.message}.`;
      return invalidRequest(text, param, typeof code === 'string' ? code : 'invalid_value');
    }
    default:
      return invalidRequest(
        `Invalid value for ${name}: ${stripPrefix(issue.message)}.`,
        param,
        'invalid_value',
      );
  }
}

/**
 * Descend into a union failure to the branch that got furthest: for `content: string | Part[]`
 * given a bad part, the interesting issue is inside the array branch, not "expected string".
 */
function locate(issue: Issue, path: readonly PropertyKey[], depth = 0): LocatedIssue {
  // Unions nest only as deep as the schema does; the bound is a guard, not a limit met in practice.
  if (issue.code !== 'invalid_union' || issue.errors.length === 0 || depth >= 16) return { issue, path };
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const candidate = branch[0];
    if (candidate !== undefined && candidate.path.length > (best?.path.length ?? 0)) best = candidate;
  }
  return best === undefined ? { issue, path } : locate(best, [...path, ...best.path], depth + 1);
}

function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
    const options = issue.options.map((option) => `'${String(option)}'`).join(', ');
    const received = readField(issue.input, issue.discriminator);
    return `expected one of ${options}, received ${typeof received === 'string' ? quote(received) : describeInput(received)}`;
  }
  // Every branch failed at the top level: list what each branch expected.
  const expected = issue.errors.flatMap((branch) =>
    branch[0]?.code === 'invalid_type' ? [describeExpected(branch[0].expected)] : [],
  );
  const unique = [...new Set(expected)];
  return unique.length > 0
    ? `expected ${unique.join(' or ')}, received ${describeInput(issue.input)}`
    : stripPrefix(issue.message);
}

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatParam(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    // A segment can be a client's key (`logit_bias`, unknown fields): bounded like any echoed value.
    const name = String(key);
    const bounded = name.length <= ECHO_LIMIT ? name : `${name.slice(0, ECHO_LIMIT)}…(${name.length} chars)`;
    return out === '' ? bounded : `${out}.${bounded}`;
  }, '');
}

function describeExpected(expected: string): string {
  return expected === 'int' ? 'integer' : expected;
}

/** Echo a client string back, bounded so a huge value cannot bloat the error. */
function quote(value: string): string {
  return value.length > 40 ? `'${value.slice(0, 40)}...'` : `'${value}'`;
}

function readField(input: unknown, key: string): unknown {
  return typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : undefined;
}

/** A short description of what was received: its JSON type. */
function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

// zod prefixes many messages with "Invalid input: "; the caller already knows the input is invalid.
function stripPrefix(message: string): string {
  return message.replace(/^Invalid input: /, '');
}
