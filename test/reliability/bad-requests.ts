/**
 * fast-check generators of bad requests for the proxy's four POST routes (Anthropic messages and
 * count_tokens, OpenAI chat completions and responses), plus the valid requests interleaved with them.
 *
 * Every generated "bad" request is invalid for a reason the real APIs also reject (wrong type or
 * missing required field, malformed JSON, a tool definition the APIs refuse, absurd depth or size,
 * a non-JSON content type that browsers may send cross-site, a foreign Origin/Host). Values a schema
 * might accept are filtered out, so a 2xx for a "bad" case is a finding, not noise. Bodies are built
 * lazily from small descriptions, so huge and deep bodies cost memory only while they are sent.
 */
import fc from 'fast-check';

export type Api = 'messages' | 'count_tokens' | 'chat' | 'responses';

export const PATHS: Readonly<Record<Api, string>> = {
  messages: '/v1/messages',
  count_tokens: '/v1/messages/count_tokens',
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
};

export const APIS: readonly Api[] = ['messages', 'count_tokens', 'chat', 'responses'];

/** One request to send, and what must come back. */
export interface Case {
  readonly category: string;
  readonly api: Api;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Builds the body; `tag` (e.g. `rq-123`) is put in the prompt text to attribute CLI spawns. */
  readonly body: (tag: string) => string | Buffer;
  readonly chunked?: boolean;
  /** `bad`: a structured 4xx and no CLI process; `ok`: 200. */
  readonly expect: 'bad' | 'ok';
  /** An `ok` case that starts one CLI process. */
  readonly spawns: boolean;
  readonly stream: boolean;
  /** Short human description for failure reports. */
  readonly note: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

const MODEL = 'claude-sonnet-4-5';
const JSON_CT = { 'content-type': 'application/json' };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const str1 = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const nullOr =
  (p: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === null || p(v);
const numIn =
  (lo: number, hi: number) =>
  (v: unknown): boolean =>
    typeof v === 'number' && v >= lo && v <= hi;
const intMin =
  (lo: number) =>
  (v: unknown): boolean =>
    typeof v === 'number' && Number.isInteger(v) && v >= lo;
const oneOf =
  (...values: unknown[]) =>
  (v: unknown): boolean =>
    values.includes(v);

/** A Responses `input` as one user message item (the form the field specs' paths address). */
function inputItems(text: string): Json {
  return [{ role: 'user', content: [{ type: 'input_text', text }] }];
}

/**
 * Base valid bodies; the tag goes into the user text. A Responses body's `input` is a plain string
 * for about half of the tags and a message item list for the others (both are valid).
 */
export function baseBody(api: Api, tag: string): Record<string, Json> {
  const text = `hello ${tag}`;
  if (api === 'chat') return { model: MODEL, messages: [{ role: 'user', content: text }] };
  if (api === 'responses') {
    const stringInput = [...tag].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % 2 === 1;
    return { model: MODEL, input: stringInput ? text : inputItems(text) };
  }
  const body: Record<string, Json> = {
    model: MODEL,
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  };
  if (api === 'messages') body['max_tokens'] = 64;
  return body;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Turn a Responses body's string `input` into the item form, so paths into `input` address it. */
function withInputItems(body: Record<string, Json>): Record<string, Json> {
  if (typeof body['input'] === 'string') body['input'] = inputItems(body['input']);
  return body;
}

function setPath(target: Record<string, Json>, path: Path, value: Json | undefined): void {
  let node: Json = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const container = node as Record<string | number, Json>;
    if (container[key] === undefined || typeof container[key] !== 'object' || container[key] === null)
      container[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = container[key] as Json;
  }
  const last = path[path.length - 1] as string | number;
  const container = node as Record<string | number, Json>;
  if (value === undefined) delete container[last];
  else container[last] = value;
}

/** A field and the values that might be valid there (everything else is surely invalid). */
interface FieldSpec {
  readonly path: Path;
  readonly maybeValid: (v: unknown) => boolean;
  readonly required?: boolean;
}

const BLOCK_TYPES = ['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'];

const ANTHROPIC_COMMON: FieldSpec[] = [
  { path: ['model'], maybeValid: str1, required: true },
  { path: ['messages'], maybeValid: (v) => Array.isArray(v) && v.length > 0, required: true },
  { path: ['messages', 0], maybeValid: (v) => isObj(v) && 'role' in v },
  { path: ['messages', 0, 'role'], maybeValid: oneOf('user', 'assistant', 'system'), required: true },
  {
    path: ['messages', 0, 'content'],
    maybeValid: (v) => typeof v === 'string' || Array.isArray(v),
    required: true,
  },
  { path: ['messages', 0, 'content', 0], maybeValid: (v) => isObj(v) && 'type' in v },
  { path: ['messages', 0, 'content', 0, 'type'], maybeValid: oneOf(...BLOCK_TYPES), required: true },
  { path: ['messages', 0, 'content', 0, 'text'], maybeValid: (v) => typeof v === 'string', required: true },
  { path: ['system'], maybeValid: (v) => typeof v === 'string' || Array.isArray(v) },
  {
    path: ['tools'],
    maybeValid: (v) => Array.isArray(v) && v.every((t) => isObj(t) && str1(t['name'])),
  },
  {
    path: ['tool_choice'],
    maybeValid: (v) => isObj(v) && ['auto', 'any', 'tool', 'none'].includes(v['type'] as string),
  },
  {
    path: ['thinking'],
    maybeValid: (v) =>
      isObj(v) && ['enabled', 'disabled', 'adaptive', 'between_tools'].includes(v['type'] as string),
  },
  { path: ['speed'], maybeValid: nullOr(oneOf('standard', 'fast')) },
  { path: ['output_config'], maybeValid: isObj },
];

const MESSAGES_ONLY: FieldSpec[] = [
  { path: ['max_tokens'], maybeValid: intMin(1), required: true },
  { path: ['temperature'], maybeValid: numIn(0, 1) },
  { path: ['top_p'], maybeValid: numIn(0, 1) },
  { path: ['top_k'], maybeValid: intMin(0) },
  { path: ['stream'], maybeValid: (v) => typeof v === 'boolean' },
  { path: ['stop_sequences'], maybeValid: (v) => Array.isArray(v) && v.every(str1) },
  {
    path: ['metadata'],
    maybeValid: (v) =>
      isObj(v) && (!('user_id' in v) || v['user_id'] === null || typeof v['user_id'] === 'string'),
  },
  { path: ['metadata', 'user_id'], maybeValid: nullOr((v) => typeof v === 'string') },
  { path: ['service_tier'], maybeValid: oneOf('auto', 'standard_only') },
];

const CHAT_FIELDS: FieldSpec[] = [
  { path: ['model'], maybeValid: str1, required: true },
  { path: ['messages'], maybeValid: (v) => Array.isArray(v) && v.length > 0, required: true },
  { path: ['messages', 0], maybeValid: (v) => isObj(v) && 'role' in v },
  {
    path: ['messages', 0, 'role'],
    maybeValid: oneOf('system', 'developer', 'user', 'assistant', 'tool', 'function'),
    required: true,
  },
  {
    path: ['messages', 0, 'content'],
    maybeValid: (v) => typeof v === 'string' || Array.isArray(v),
    required: true,
  },
  { path: ['max_tokens'], maybeValid: nullOr(intMin(1)) },
  { path: ['max_completion_tokens'], maybeValid: nullOr(intMin(1)) },
  {
    path: ['stop'],
    maybeValid: nullOr(
      (v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
    ),
  },
  { path: ['temperature'], maybeValid: nullOr(numIn(0, 2)) },
  { path: ['top_p'], maybeValid: nullOr(numIn(0, 1)) },
  { path: ['n'], maybeValid: nullOr(oneOf(1)) },
  { path: ['stream'], maybeValid: nullOr((v) => typeof v === 'boolean') },
  { path: ['stream_options'], maybeValid: nullOr(isObj) },
  { path: ['tools'], maybeValid: nullOr((v) => Array.isArray(v) && v.every(isObj)) },
  {
    path: ['tool_choice'],
    maybeValid: nullOr((v) => isObj(v) || ['none', 'auto', 'required'].includes(v as string)),
  },
  { path: ['parallel_tool_calls'], maybeValid: nullOr((v) => typeof v === 'boolean') },
  { path: ['response_format'], maybeValid: nullOr(isObj) },
  { path: ['user'], maybeValid: nullOr((v) => typeof v === 'string') },
  { path: ['seed'], maybeValid: nullOr((v) => typeof v === 'number' && Number.isInteger(v)) },
  { path: ['presence_penalty'], maybeValid: nullOr(numIn(-2, 2)) },
  { path: ['frequency_penalty'], maybeValid: nullOr(numIn(-2, 2)) },
  { path: ['logprobs'], maybeValid: nullOr((v) => typeof v === 'boolean') },
  { path: ['top_logprobs'], maybeValid: nullOr(intMin(0)) },
  { path: ['logit_bias'], maybeValid: nullOr(isObj) },
];

const RESPONSE_PART_TYPES = [
  'input_text',
  'output_text',
  'refusal',
  'input_image',
  'input_file',
  'input_audio',
];

/** See src/compat/openai-responses/request-schema.ts; `null` is accepted for every optional field. */
const RESPONSES_FIELDS: FieldSpec[] = [
  { path: ['model'], maybeValid: str1, required: true },
  // No input at all (or null) is a 400: nothing to answer.
  { path: ['input'], maybeValid: (v) => typeof v === 'string' || Array.isArray(v), required: true },
  { path: ['input', 0], maybeValid: isObj },
  {
    path: ['input', 0, 'role'],
    maybeValid: oneOf('user', 'assistant', 'system', 'developer'),
    required: true,
  },
  {
    path: ['input', 0, 'content'],
    maybeValid: (v) => typeof v === 'string' || Array.isArray(v),
    required: true,
  },
  { path: ['input', 0, 'content', 0], maybeValid: (v) => isObj(v) && 'type' in v },
  {
    path: ['input', 0, 'content', 0, 'type'],
    maybeValid: oneOf(...RESPONSE_PART_TYPES),
    required: true,
  },
  {
    path: ['input', 0, 'content', 0, 'text'],
    maybeValid: (v) => typeof v === 'string',
    required: true,
  },
  { path: ['instructions'], maybeValid: nullOr((v) => typeof v === 'string') },
  { path: ['max_output_tokens'], maybeValid: nullOr(intMin(1)) },
  { path: ['tools'], maybeValid: nullOr((v) => Array.isArray(v) && v.every(isObj)) },
  {
    path: ['tool_choice'],
    maybeValid: nullOr((v) => isObj(v) || ['none', 'auto', 'required'].includes(v as string)),
  },
  { path: ['text'], maybeValid: nullOr(isObj) },
  { path: ['reasoning'], maybeValid: nullOr(isObj) },
  { path: ['stream'], maybeValid: nullOr((v) => typeof v === 'boolean') },
  { path: ['store'], maybeValid: nullOr((v) => typeof v === 'boolean') },
  // Any string names a response this server never stored: 404 previous_response_not_found.
  { path: ['previous_response_id'], maybeValid: (v) => v === null },
  {
    // zod's record skips a `__proto__` key (no prototype is set): such a key is dropped, not refused.
    path: ['metadata'],
    maybeValid: nullOr(
      (v) => isObj(v) && Object.entries(v).every(([key, x]) => key === '__proto__' || typeof x === 'string'),
    ),
  },
  { path: ['temperature'], maybeValid: nullOr(numIn(0, 2)) },
  { path: ['top_p'], maybeValid: nullOr(numIn(0, 1)) },
  { path: ['parallel_tool_calls'], maybeValid: nullOr((v) => typeof v === 'boolean') },
  { path: ['user'], maybeValid: nullOr((v) => typeof v === 'string') },
  // Refused whenever set (stored conversations and prompt templates are not available).
  { path: ['conversation'], maybeValid: (v) => v === null },
  { path: ['prompt'], maybeValid: (v) => v === null },
];

const FIELDS: Readonly<Record<Api, FieldSpec[]>> = {
  messages: [...ANTHROPIC_COMMON, ...MESSAGES_ONLY],
  count_tokens: ANTHROPIC_COMMON,
  chat: CHAT_FIELDS,
  responses: RESPONSES_FIELDS,
};

const apiArb = fc.constantFrom<Api>(...APIS);

/** Any JSON value, plus the classic edge values. */
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    '',
    ' ',
    '0',
    'true',
    'null',
    '\u0000',
    '\ud800',
    [],
    {},
    [null],
    [''],
    { __proto__: null } as unknown as Json,
    JSON.parse('{"__proto__":{"polluted":true}}') as Json,
    { constructor: { prototype: { polluted: true } } },
  ),
);

function wrongValue(spec: FieldSpec): fc.Arbitrary<Json> {
  return anyJson.filter((v) => !spec.maybeValid(clone(v)));
}

/** A request body that is valid JSON but fails validation; `tag` goes in the text when it survives. */
type BodyFn = (tag: string) => Record<string, Json>;

const wrongTypeBody: fc.Arbitrary<{ api: Api; body: BodyFn; note: string }> = apiArb.chain((api) =>
  fc
    .constantFrom(...FIELDS[api])
    .chain((spec) =>
      fc.oneof(
        { weight: 5, arbitrary: wrongValue(spec).map((value) => ({ spec, value, missing: false })) },
        {
          weight: spec.required ? 1 : 0,
          arbitrary: fc.constant({ spec, value: null as Json, missing: true }),
        },
      ),
    )
    .map(({ spec, value, missing }) => ({
      api,
      note: missing
        ? `missing ${spec.path.join('.')}`
        : `${spec.path.join('.')} = ${JSON.stringify(value).slice(0, 80)}`,
      body: (tag: string) => {
        const body = baseBody(api, tag);
        if (spec.path[0] === 'input' && spec.path.length > 1) withInputItems(body);
        setPath(body, spec.path, missing ? undefined : clone(value));
        return body;
      },
    })),
);

/** Unknown top-level and nested fields, including prototype keys, on top of a bad body. */
const unknownFields = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'then'),
  ),
  anyJson,
  { minKeys: 1, maxKeys: 6 },
);

const withUnknownFields = fc
  .tuple(wrongTypeBody, unknownFields, fc.boolean())
  .map(([bad, extra, nested]) => ({
    api: bad.api,
    note: `${bad.note} + unknown ${Object.keys(extra).join(',').slice(0, 60)}${nested ? ' (nested)' : ''}`,
    body: (tag: string) => {
      const body = bad.body(tag);
      const list = body['messages'] ?? body['input'];
      const target = nested && Array.isArray(list) && isObj(list[0]) ? list[0] : body;
      for (const [key, value] of Object.entries(extra)) {
        // defineProperty keeps keys like __proto__ as own, serialisable properties.
        Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      }
      return body;
    },
  }));

// ---------------------------------------------------------------------------------------------
// deep nesting: raw JSON text spliced in place of a placeholder

const DEEP = '__RELIABILITY_DEEP__';
type DeepKind = 'obj' | 'arr' | 'schema';

function deepText(kind: DeepKind, depth: number): string {
  if (kind === 'arr') return '['.repeat(depth) + ']'.repeat(depth);
  if (kind === 'obj') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return '{"type":"object","properties":{"p":'.repeat(depth) + '{"type":"string"}' + '}}'.repeat(depth);
}

/** The conversation list of a body: `messages`, or a Responses body's `input`. */
function listKey(api: Api): string {
  return api === 'responses' ? 'input' : 'messages';
}

interface DeepPlacement {
  readonly name: string;
  readonly apis: readonly Api[];
  readonly kind: DeepKind;
  readonly put: (body: Record<string, Json>, api: Api) => void;
}

const DEEP_PLACEMENTS: DeepPlacement[] = [
  {
    name: 'tool input_schema',
    apis: ['messages', 'count_tokens'],
    kind: 'schema',
    put: (b) => void (b['tools'] = [{ name: 'deep_tool', description: 'd', input_schema: DEEP }]),
  },
  {
    name: 'function parameters',
    apis: ['chat'],
    kind: 'schema',
    put: (b) => void (b['tools'] = [{ type: 'function', function: { name: 'deep_tool', parameters: DEEP } }]),
  },
  {
    name: 'function parameters',
    apis: ['responses'],
    kind: 'schema',
    put: (b) => void (b['tools'] = [{ type: 'function', name: 'deep_tool', parameters: DEEP }]),
  },
  {
    name: 'role (array)',
    apis: ['messages', 'count_tokens', 'chat', 'responses'],
    kind: 'arr',
    put: (b, api) => setPath(withInputItems(b), [listKey(api), 0, 'role'], DEEP),
  },
  {
    name: 'role (object)',
    apis: ['messages', 'count_tokens', 'chat', 'responses'],
    kind: 'obj',
    put: (b, api) => setPath(withInputItems(b), [listKey(api), 0, 'role'], DEEP),
  },
  {
    name: 'content block type',
    apis: ['messages', 'count_tokens'],
    kind: 'obj',
    put: (b) => setPath(b, ['messages', 0, 'content', 0, 'type'], DEEP),
  },
  {
    name: 'content part type',
    apis: ['chat'],
    kind: 'obj',
    put: (b) => setPath(b, ['messages', 0, 'content'], [{ type: DEEP, text: 'x' }]),
  },
  {
    name: 'content part type',
    apis: ['responses'],
    kind: 'obj',
    put: (b) => setPath(withInputItems(b), ['input', 0, 'content', 0, 'type'], DEEP),
  },
  {
    name: 'content',
    apis: ['messages', 'count_tokens', 'chat', 'responses'],
    kind: 'arr',
    put: (b, api) => setPath(withInputItems(b), [listKey(api), 0, 'content'], DEEP),
  },
  {
    name: 'tool_choice type',
    apis: ['messages', 'count_tokens'],
    kind: 'arr',
    put: (b) => void (b['tool_choice'] = { type: DEEP }),
  },
  {
    name: 'tool_choice',
    apis: ['chat', 'responses'],
    kind: 'obj',
    put: (b) => void (b['tool_choice'] = DEEP),
  },
  {
    name: 'text.format type',
    apis: ['responses'],
    kind: 'arr',
    put: (b) => void (b['text'] = { format: { type: DEEP } }),
  },
  {
    name: 'response_format type',
    apis: ['chat'],
    kind: 'arr',
    put: (b) => void (b['response_format'] = { type: DEEP }),
  },
  {
    name: 'metadata',
    apis: ['messages', 'responses'],
    kind: 'obj',
    put: (b) => void (b['metadata'] = DEEP),
  },
  {
    name: 'unknown field',
    apis: ['messages', 'count_tokens', 'chat', 'responses'],
    kind: 'arr',
    put: (b) => void (b['x_deep'] = DEEP),
  },
  {
    name: 'tool_use input in history',
    apis: ['messages', 'count_tokens'],
    kind: 'obj',
    put: (b) => {
      const first = (b['messages'] as Json[])[0] as Json;
      b['messages'] = [
        first,
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_deep', name: 'deep_tool', input: DEEP }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_deep', content: 'ok' }] },
      ];
      b['tools'] = [{ name: 'deep_tool', input_schema: { type: 'object' } }];
    },
  },
  {
    name: 'tool_calls function extra',
    apis: ['chat'],
    kind: 'obj',
    put: (b) => {
      const first = (b['messages'] as Json[])[0] as Json;
      b['messages'] = [
        first,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'deep_tool', arguments: '{}', extra: DEEP } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
      ];
      b['tools'] = [{ type: 'function', function: { name: 'deep_tool', parameters: { type: 'object' } } }];
    },
  },
  {
    name: 'function_call item extra',
    apis: ['responses'],
    kind: 'obj',
    put: (b) => {
      const first = (withInputItems(b)['input'] as Json[])[0] as Json;
      b['input'] = [
        first,
        { type: 'function_call', call_id: 'call_1', name: 'deep_tool', arguments: '{}', extra: DEEP },
        { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
      ];
      b['tools'] = [{ type: 'function', name: 'deep_tool', parameters: { type: 'object' } }];
    },
  },
];

/** An API, then one of the placements that apply to it (so every API gets its share). */
function placementFor<P extends { readonly apis: readonly Api[] }>(
  placements: readonly P[],
): fc.Arbitrary<[Api, P]> {
  return apiArb.chain((api) =>
    fc.constantFrom(...placements.filter((p) => p.apis.includes(api))).map((p): [Api, P] => [api, p]),
  );
}

const deepCase: fc.Arbitrary<{ api: Api; note: string; raw: (tag: string) => string }> = fc
  .tuple(
    placementFor(DEEP_PLACEMENTS),
    fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 6_000, max: 20_000 }) },
      { weight: 1, arbitrary: fc.constant(100_000) },
    ),
  )
  .map(([[api, placement], depth]) => {
    const d = placement.kind === 'arr' ? depth : Math.min(depth, 30_000);
    return {
      api,
      note: `${placement.name} nested ${d} levels (${placement.kind})`,
      raw: (tag: string) => {
        const body = baseBody(api, tag);
        placement.put(body, api);
        return JSON.stringify(body).replace(`"${DEEP}"`, () => deepText(placement.kind, d));
      },
    };
  });

// ---------------------------------------------------------------------------------------------
// huge strings

const hugeChar = fc.constantFrom('x', 'é', '"', '\n', '😀', '\\');

function hugeString(char: string, bytes: number): string {
  const perChar = Buffer.byteLength(JSON.stringify(char)) - 2;
  return char.repeat(Math.max(1, Math.floor(bytes / perChar)));
}

interface HugePlacement {
  readonly name: string;
  readonly apis: readonly Api[];
  readonly put: (body: Record<string, Json>, huge: string, api: Api) => void;
}

const HUGE_PLACEMENTS: HugePlacement[] = [
  {
    name: 'model',
    apis: ['messages', 'count_tokens', 'chat', 'responses'],
    put: (b, h) => void (b['model'] = h),
  },
  { name: 'max_tokens (string)', apis: ['messages', 'chat'], put: (b, h) => void (b['max_tokens'] = h) },
  {
    name: 'max_output_tokens (string)',
    apis: ['responses'],
    put: (b, h) => void (b['max_output_tokens'] = h),
  },
  {
    name: 'role',
    apis: ['messages', 'count_tokens', 'chat', 'responses'],
    put: (b, h, api) => setPath(withInputItems(b), [listKey(api), 0, 'role'], h),
  },
  {
    name: 'content block type',
    apis: ['messages', 'count_tokens'],
    put: (b, h) => setPath(b, ['messages', 0, 'content', 0, 'type'], h),
  },
  {
    name: 'tool name',
    apis: ['messages', 'count_tokens'],
    put: (b, h) => void (b['tools'] = [{ name: h, input_schema: { type: 'object' } }]),
  },
  {
    name: 'content part type',
    apis: ['responses'],
    put: (b, h) => setPath(withInputItems(b), ['input', 0, 'content', 0, 'type'], h),
  },
  {
    name: 'function name',
    apis: ['chat'],
    put: (b, h) =>
      void (b['tools'] = [{ type: 'function', function: { name: h, parameters: { type: 'object' } } }]),
  },
  {
    name: 'function name',
    apis: ['responses'],
    put: (b, h) => void (b['tools'] = [{ type: 'function', name: h, parameters: { type: 'object' } }]),
  },
  { name: 'n (string)', apis: ['chat'], put: (b, h) => void (b['n'] = h) },
  {
    name: 'unknown key + missing model',
    apis: ['messages', 'count_tokens', 'chat', 'responses'],
    put: (b, h) => {
      delete b['model'];
      b[h] = 1;
    },
  },
  {
    name: 'text + missing messages.0.role',
    apis: ['messages', 'count_tokens', 'chat'],
    put: (b, h) => {
      const first = (b['messages'] as Record<string, Json>[])[0] as Record<string, Json>;
      delete first['role'];
      first['content'] = h;
    },
  },
  {
    name: 'text + missing input.0.role',
    apis: ['responses'],
    put: (b, h) => {
      const first = (withInputItems(b)['input'] as Record<string, Json>[])[0] as Record<string, Json>;
      delete first['role'];
      first['content'] = h;
    },
  },
];

const hugeBytes = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 100_000, max: 600_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 600_000, max: 2_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000_000, max: 4_000_000 }) },
);

const hugeCase = fc
  .tuple(placementFor(HUGE_PLACEMENTS), hugeChar, hugeBytes)
  .map(([[api, placement], char, bytes]) => ({
    api,
    note: `${placement.name} = ${bytes} bytes of ${JSON.stringify(char)}`,
    body: (tag: string) => {
      const body = baseBody(api, tag);
      placement.put(body, hugeString(char, bytes), api);
      return body;
    },
  }));

/** 200 KB `model`: no model id is that long. */
const hugeModelCase = apiArb.map((api) => ({
  api,
  note: 'model = 200 KB',
  body: (tag: string) => ({ ...baseBody(api, tag), model: 'claude-'.repeat(Math.ceil(200_000 / 7)) }),
}));

// ---------------------------------------------------------------------------------------------
// bad tools

const badToolName = fc.oneof(
  fc.constantFrom(
    'has space',
    'a/b',
    '../etc/passwd',
    'ünïcödé',
    'name;rm -rf',
    'a.b',
    'tool\nname',
    '$(id)',
    '*',
  ),
  fc.integer({ min: 129, max: 400 }).map((n) => 't'.repeat(n)),
);

const anthropicBadTools: fc.Arbitrary<{ note: string; put: (b: Record<string, Json>) => void }> = fc.oneof(
  badToolName.map((name) => ({
    note: `tool name ${JSON.stringify(name).slice(0, 40)}`,
    put: (b: Record<string, Json>) => void (b['tools'] = [{ name, input_schema: { type: 'object' } }]),
  })),
  fc.constant({
    note: 'empty tool name',
    put: (b: Record<string, Json>) => void (b['tools'] = [{ name: '', input_schema: { type: 'object' } }]),
  }),
  fc.integer({ min: 2, max: 5 }).map((n) => ({
    note: `${n} tools with the same name`,
    put: (b: Record<string, Json>) =>
      void (b['tools'] = Array.from({ length: n }, () => ({
        name: 'dup_tool',
        input_schema: { type: 'object' },
      }))),
  })),
  fc.constantFrom<Json>({ type: 'any' }, { type: 'tool', name: 'get_weather' }).map((choice) => ({
    note: `tool_choice ${JSON.stringify(choice)} without tools`,
    put: (b: Record<string, Json>) => void (b['tool_choice'] = choice),
  })),
  fc.constant({
    note: 'tool_choice names a tool that is not defined',
    put: (b: Record<string, Json>) => {
      b['tools'] = [{ name: 'get_weather', input_schema: { type: 'object' } }];
      b['tool_choice'] = { type: 'tool', name: 'get_time' };
    },
  }),
  fc.constantFrom<Json>([], 'string', 5, null, ['a']).map((schema) => ({
    note: `input_schema ${JSON.stringify(schema)}`,
    put: (b: Record<string, Json>) => void (b['tools'] = [{ name: 'get_weather', input_schema: schema }]),
  })),
  fc.constantFrom('string', 'array', 'number').map((type) => ({
    note: `input_schema.type ${type}`,
    put: (b: Record<string, Json>) => void (b['tools'] = [{ name: 'get_weather', input_schema: { type } }]),
  })),
  fc.constantFrom<Json>(5, 'tool', null, [1]).map((tool) => ({
    note: `tools[0] = ${JSON.stringify(tool)}`,
    put: (b: Record<string, Json>) => void (b['tools'] = [tool]),
  })),
);

const chatBadTools: fc.Arbitrary<{ note: string; put: (b: Record<string, Json>) => void }> = fc.oneof(
  fc
    .oneof(
      badToolName,
      fc.constant(''),
      fc.integer({ min: 65, max: 200 }).map((n) => 'f'.repeat(n)),
    )
    .map((name) => ({
      note: `function name ${JSON.stringify(name).slice(0, 40)}`,
      put: (b: Record<string, Json>) =>
        void (b['tools'] = [{ type: 'function', function: { name, parameters: { type: 'object' } } }]),
    })),
  fc.integer({ min: 2, max: 5 }).map((n) => ({
    note: `${n} functions with the same name`,
    put: (b: Record<string, Json>) =>
      void (b['tools'] = Array.from({ length: n }, () => ({
        type: 'function',
        function: { name: 'dup_fn', parameters: { type: 'object' } },
      }))),
  })),
  fc
    .constantFrom<Json>('required', { type: 'function', function: { name: 'get_weather' } })
    .map((choice) => ({
      note: `tool_choice ${JSON.stringify(choice)} without tools`,
      put: (b: Record<string, Json>) => void (b['tool_choice'] = choice),
    })),
  fc.constant({
    note: 'tool_choice names a function that is not defined',
    put: (b: Record<string, Json>) => {
      b['tools'] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
      b['tool_choice'] = { type: 'function', function: { name: 'get_time' } };
    },
  }),
  fc
    .constantFrom<Json>({ type: 'custom' }, { type: 'function' }, { function: { name: 'x' } }, 5, 'fn')
    .map((tool) => ({
      note: `tools[0] = ${JSON.stringify(tool)}`,
      put: (b: Record<string, Json>) => void (b['tools'] = [tool]),
    })),
  fc.constantFrom<Json>([], 'string', 7).map((parameters) => ({
    note: `parameters ${JSON.stringify(parameters)}`,
    put: (b: Record<string, Json>) =>
      void (b['tools'] = [{ type: 'function', function: { name: 'get_weather', parameters } }]),
  })),
);

/** Responses function tools are flat: `{ type: 'function', name, parameters }`. */
const responsesFn = (name: Json, parameters: Json = { type: 'object' }): Json => ({
  type: 'function',
  name,
  parameters,
});

const responsesBadTools: fc.Arbitrary<{ note: string; put: (b: Record<string, Json>) => void }> = fc.oneof(
  fc
    .oneof(
      badToolName,
      fc.constant(''),
      fc.integer({ min: 65, max: 200 }).map((n) => 'f'.repeat(n)),
    )
    .map((name) => ({
      note: `function name ${JSON.stringify(name).slice(0, 40)}`,
      put: (b: Record<string, Json>) => void (b['tools'] = [responsesFn(name)]),
    })),
  fc.integer({ min: 2, max: 5 }).map((n) => ({
    note: `${n} functions with the same name`,
    put: (b: Record<string, Json>) =>
      void (b['tools'] = Array.from({ length: n }, () => responsesFn('dup_fn'))),
  })),
  fc
    .constantFrom<Json>(
      { type: 'web_search' },
      { type: 'web_search_preview' },
      { type: 'file_search', vector_store_ids: ['vs_1'] },
      { type: 'code_interpreter', container: { type: 'auto' } },
      { type: 'computer_use_preview', display_width: 1024, display_height: 768, environment: 'browser' },
      { type: 'image_generation' },
      { type: 'local_shell' },
      { type: 'mcp', server_label: 'x', server_url: 'https://mcp.example' },
      { type: 'custom', name: 'get_weather' },
    )
    .chain((tool) =>
      fc.boolean().map((withFunction) => ({
        note: `built-in tool ${JSON.stringify(tool).slice(0, 60)}${withFunction ? ' next to a function' : ''}`,
        put: (b: Record<string, Json>) =>
          void (b['tools'] = withFunction ? [responsesFn('get_weather'), tool] : [tool]),
      })),
    ),
  fc
    .constantFrom<Json>(
      'required',
      { type: 'function', name: 'get_weather' },
      { type: 'web_search_preview' },
      { type: 'file_search' },
      { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'get_weather' }] },
    )
    .chain((choice) =>
      fc.boolean().map((emptyList) => ({
        note: `tool_choice ${JSON.stringify(choice).slice(0, 60)} without tools${emptyList ? ' (tools: [])' : ''}`,
        put: (b: Record<string, Json>) => {
          if (emptyList) b['tools'] = [];
          b['tool_choice'] = choice;
        },
      })),
    ),
  fc.constant({
    note: 'tool_choice names a function that is not defined',
    put: (b: Record<string, Json>) => {
      b['tools'] = [responsesFn('get_weather')];
      b['tool_choice'] = { type: 'function', name: 'get_time' };
    },
  }),
  fc
    .constantFrom<Json>(
      { type: 'function' },
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      { name: 'get_weather', parameters: { type: 'object' } },
      5,
      'fn',
      null,
      [],
    )
    .map((tool) => ({
      note: `tools[0] = ${JSON.stringify(tool)}`,
      put: (b: Record<string, Json>) => void (b['tools'] = [tool]),
    })),
  fc.constantFrom<Json>([], 'string', 7, true).map((parameters) => ({
    note: `parameters ${JSON.stringify(parameters)}`,
    put: (b: Record<string, Json>) => void (b['tools'] = [responsesFn('get_weather', parameters)]),
  })),
);

const BAD_TOOLS: Readonly<Record<Api, typeof chatBadTools>> = {
  messages: anthropicBadTools,
  count_tokens: anthropicBadTools,
  chat: chatBadTools,
  responses: responsesBadTools,
};

const badToolsCase = apiArb.chain((api) =>
  BAD_TOOLS[api].map((bad) => ({
    api,
    note: bad.note,
    body: (tag: string) => {
      const body = baseBody(api, tag);
      bad.put(body);
      return body;
    },
  })),
);

// ---------------------------------------------------------------------------------------------
// invalid JSON

const invalidJsonCase: fc.Arbitrary<{ api: Api; note: string; raw: (tag: string) => string | Buffer }> =
  apiArb.chain((api) =>
    fc.oneof(
      fc.double({ min: 0, max: 0.999, noNaN: true }).map((at) => ({
        api,
        note: `valid body truncated at ${Math.round(at * 100)}%`,
        raw: (tag: string) => {
          const text = JSON.stringify(baseBody(api, tag));
          return text.slice(0, Math.floor(text.length * at));
        },
      })),
      fc.constantFrom(',', '}', 'x', '\u0000', ']', '{}', ' garbage').map((tail) => ({
        api,
        note: `valid body + ${JSON.stringify(tail)}`,
        raw: (tag: string) => JSON.stringify(baseBody(api, tag)) + tail,
      })),
      fc
        .constantFrom(
          '',
          '   ',
          '\n',
          'null',
          'true',
          '[]',
          '123',
          '"a string"',
          '[{"model":"x"}]',
          `{'model':'${MODEL}'}`,
          `{"model":"${MODEL}","max_tokens":NaN,"messages":[]}`,
          `{"model":"${MODEL}","max_tokens":Infinity}`,
          `/* comment */ {"model":"${MODEL}"}`,
          `{"model":"${MODEL}",}`,
          `{"model":undefined}`,
          `{model:"${MODEL}"}`,
          '{"a":1}{"b":2}',
          '\u00ff\u00fe{}',
        )
        .map((text) => ({ api, note: `body ${JSON.stringify(text).slice(0, 60)}`, raw: () => text })),
      fc
        .string({ maxLength: 200 })
        .map((text) => ({ api, note: `random text ${JSON.stringify(text).slice(0, 60)}`, raw: () => text })),
      fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((bytes) => ({
        api,
        note: `${bytes.length} random bytes`,
        raw: () => Buffer.from(bytes),
      })),
      fc
        .integer({ min: 10_000, max: 200_000 })
        .map((n) => ({ api, note: `${n} unclosed [`, raw: () => '['.repeat(n) })),
      fc.integer({ min: 10_000, max: 100_000 }).map((n) => ({
        api,
        note: `${n} unclosed {"a":`,
        raw: () => '{"a":'.repeat(n),
      })),
      fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => ({
        api,
        note: `unterminated ${n}-byte string`,
        raw: () => `{"model":"${'m'.repeat(n)}`,
      })),
    ),
  );

// ---------------------------------------------------------------------------------------------
// headers

/** Header-safe text (no CR/LF, latin1). */
const headerText = fc
  .array(
    fc.integer({ min: 0x20, max: 0xff }).filter((c) => c < 0x7f || c >= 0xa0),
    { maxLength: 200 },
  )
  .map((codes) => String.fromCharCode(...codes).trim());

const ODD_HEADER_NAMES = [
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'x-api-key',
  'authorization',
  'accept',
  'accept-encoding',
  'content-encoding',
  'x-request-id',
  'request-id',
  'user-agent',
  'x-stainless-retry-count',
  'x-stainless-timeout',
  'openai-organization',
  'openai-project',
  'cookie',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
  'x-claude-session-id',
  'x-claude-code-context',
  'traceparent',
];

const oddHeaders = fc.dictionary(
  fc.constantFrom(...ODD_HEADER_NAMES),
  fc.oneof(
    headerText,
    fc.constantFrom(
      'gzip',
      'br',
      'deflate',
      'identity, gzip',
      '2023-06-01',
      '1999-01-01',
      '0',
      '-1',
      'Bearer',
      'Bearer ',
    ),
    fc.integer({ min: 1000, max: 8000 }).map((n) => 'h'.repeat(n)),
  ),
  { minKeys: 1, maxKeys: 4 },
);

const CONTENT_TYPES = [
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'text/html',
  'application/jsonx',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  '*/*',
  'json',
];

/** The content types a browser page may send cross-site without a CORS preflight. */
const SIMPLE_CONTENT_TYPES = [
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
];

// ---------------------------------------------------------------------------------------------
// the whole mix

function asCase(
  category: string,
  c: { api: Api; note: string; body?: BodyFn; raw?: (tag: string) => string | Buffer },
  extra: Partial<Pick<Case, 'headers' | 'method' | 'path' | 'chunked'>> = {},
): Case {
  const raw = c.raw ?? ((tag: string) => JSON.stringify((c.body as BodyFn)(tag)));
  return {
    category,
    api: c.api,
    method: extra.method ?? 'POST',
    path: extra.path ?? PATHS[c.api],
    headers: extra.headers ?? { ...JSON_CT },
    body: raw,
    ...(extra.chunked ? { chunked: true } : {}),
    expect: 'bad',
    spawns: false,
    stream: false,
    note: c.note,
  };
}

const validBodyCase = apiArb.map((api) => ({
  api,
  note: 'valid body',
  body: (tag: string) => baseBody(api, tag),
}));

/** A valid body sent with header `name` (lower-cased on the wire) set to one of `values`. */
function validBodyWithHeader(kind: string, name: string, values: readonly string[]): fc.Arbitrary<Case> {
  return fc
    .tuple(validBodyCase, fc.constantFrom(...values))
    .map(([c, value]) =>
      asCase(
        kind,
        { ...c, note: `${name}: ${value}` },
        { headers: { ...JSON_CT, [name.toLowerCase()]: value } },
      ),
    );
}

/** Bad requests, every category. */
export const badRequestArb: fc.Arbitrary<Case> = fc.oneof(
  { weight: 30, arbitrary: wrongTypeBody.map((c) => asCase('wrong type / missing field', c)) },
  { weight: 8, arbitrary: withUnknownFields.map((c) => asCase('unknown fields (+ a bad field)', c)) },
  { weight: 3, arbitrary: deepCase.map((c) => asCase('deep nesting', c)) },
  { weight: 1, arbitrary: hugeCase.map((c) => asCase('huge strings', c)) },
  { weight: 1, arbitrary: hugeModelCase.map((c) => asCase('200 KB model', c)) },
  { weight: 12, arbitrary: badToolsCase.map((c) => asCase('bad tools', c)) },
  { weight: 14, arbitrary: invalidJsonCase.map((c) => asCase('invalid JSON', c)) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(wrongTypeBody, fc.constantFrom(...CONTENT_TYPES))
      .map(([c, ct]) =>
        asCase(
          'wrong content type (+ a bad field)',
          { ...c, note: `${ct}; ${c.note}` },
          { headers: { 'content-type': ct } },
        ),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .constant(null)
      .chain(() => fc.tuple(validBodyCase, fc.constantFrom(...SIMPLE_CONTENT_TYPES)))
      .map(([c, ct]) =>
        asCase(
          'valid JSON sent as a browser-simple content type',
          { ...c, note: `content-type ${JSON.stringify(ct)}` },
          { headers: { 'content-type': ct } },
        ),
      ),
  },
  {
    weight: 6,
    arbitrary: fc
      .tuple(wrongTypeBody, oddHeaders, fc.boolean())
      .map(([c, headers, chunked]) =>
        asCase(
          'odd headers (+ a bad field)',
          { ...c, note: `${Object.keys(headers).join(',')}${chunked ? ' chunked' : ''}; ${c.note}` },
          { headers: { ...JSON_CT, ...headers }, chunked },
        ),
      ),
  },
  {
    weight: 2,
    arbitrary: validBodyWithHeader('cross-site Origin, valid body', 'Origin', [
      'https://evil.example',
      'null',
      'http://localhost.evil.example:8787',
    ]),
  },
  {
    weight: 2,
    arbitrary: validBodyWithHeader('foreign Host (DNS rebinding), valid body', 'Host', [
      'evil.example',
      'evil.example:8787',
      'attacker.test:80',
    ]),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        validBodyCase,
        fc.oneof(
          fc.tuple(
            fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'),
            fc.constant<string | undefined>(undefined),
          ),
          fc.tuple(
            fc.constant('POST'),
            fc.constantFrom<string | undefined>(
              '/v1/messages/',
              '/v1/Messages',
              '/v1/messages/count_tokens/x',
              '/v1/chat//completions',
              '/v1/chat/completions/',
              '/v1/responses/',
              '/v1/Responses',
              '/v1//responses',
              '/v2/messages',
              '/v1/messages%00',
            ),
          ),
        ),
      )
      .map(([c, [method, path]]) =>
        asCase(
          'wrong method or path',
          { ...c, note: `${method} ${path ?? PATHS[c.api]}` },
          { method, path: path ?? PATHS[c.api] },
        ),
      ),
  },
);

/** The valid requests interleaved with the bad ones (cycled in this order). */
export function validCases(): Case[] {
  const ok = (
    category: string,
    api: Api,
    stream: boolean,
    body: BodyFn,
    headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' },
  ): Case => ({
    category,
    api,
    method: 'POST',
    path: PATHS[api],
    headers,
    body: (tag) => JSON.stringify(body(tag)),
    expect: 'ok',
    spawns: api !== 'count_tokens',
    stream,
    note: category,
  });
  const system200k = 'You are terse. '.repeat(Math.ceil(200_000 / 15));
  return [
    ok('valid messages', 'messages', false, (t) => baseBody('messages', t)),
    ok('valid count_tokens', 'count_tokens', false, (t) => baseBody('count_tokens', t)),
    ok('valid chat', 'chat', false, (t) => baseBody('chat', t)),
    ok('valid messages stream', 'messages', true, (t) => ({ ...baseBody('messages', t), stream: true })),
    ok('valid chat stream', 'chat', true, (t) => ({ ...baseBody('chat', t), stream: true })),
    ok('valid messages, 200 KB system', 'messages', false, (t) => ({
      ...baseBody('messages', t),
      system: system200k,
    })),
    ok('valid chat, 200 KB system message', 'chat', false, (t) => ({
      model: MODEL,
      messages: [
        { role: 'system', content: system200k },
        { role: 'user', content: `hello ${t}` },
      ],
    })),
    ok('valid count_tokens, 200 KB system', 'count_tokens', false, (t) => ({
      ...baseBody('count_tokens', t),
      system: system200k,
    })),
    ok('valid responses, input items', 'responses', false, (t) => ({
      model: MODEL,
      input: inputItems(`hello ${t}`),
    })),
    ok('valid responses stream, string input', 'responses', true, (t) => ({
      model: MODEL,
      input: `hello ${t}`,
      stream: true,
    })),
    ok('valid responses, string input, 200 KB instructions', 'responses', false, (t) => ({
      model: MODEL,
      input: `hello ${t}`,
      instructions: system200k,
      max_output_tokens: 64,
    })),
    ok('valid responses stream, input items, function tool', 'responses', true, (t) => ({
      model: MODEL,
      input: inputItems(`hello ${t}`),
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
      tool_choice: 'auto',
      store: false,
      stream: true,
    })),
    ok('valid messages, unknown top-level field', 'messages', false, (t) => ({
      ...baseBody('messages', t),
      x_future_param: { a: 1 },
    })),
    ok('valid messages, SDK headers', 'messages', false, (t) => baseBody('messages', t), {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-stainless-retry-count': '0',
      'user-agent': 'Anthropic/JS 0.0.0',
      'x-api-key': 'sk-ant-ignored-no-keys-configured',
    }),
  ];
}
