/**
 * The field classification against its two references: the request types of the installed official
 * SDKs (every field they can send is classified) and the README's parameter tables (which show the
 * classification). `UPDATE_README=1 npx vitest run src/compat/request-fields.test.ts` rewrites the
 * README's tables from the code.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { MESSAGES_REQUEST_FIELDS } from './anthropic/request-fields.js';
import { CHAT_REQUEST_FIELDS } from './openai/request-fields.js';
import { RESPONSES_REQUEST_FIELDS } from './openai-responses/request-fields.js';
import { README, readmeBlock, updatingReadme, writeReadmeBlock } from '../../test/support/readme-block.js';
import { findUnsupportedFields, renderFieldTable, type FieldTable } from './request-fields.js';

interface SdkType {
  readonly sdk: string;
  readonly file: string;
  readonly name: string;
}

/** Each table with the SDK request types it must cover and its README section marker. */
const TABLES: readonly { marker: string; table: FieldTable; types: readonly SdkType[] }[] = [
  {
    marker: 'messages',
    table: MESSAGES_REQUEST_FIELDS,
    types: [
      {
        sdk: '@anthropic-ai/sdk 1.x',
        file: 'node_modules/@anthropic-ai/sdk/resources/messages/messages.d.ts',
        name: 'MessageCreateParamsBase',
      },
      {
        sdk: '@anthropic-ai/sdk 0.x',
        file: 'node_modules/anthropic-sdk-v0/resources/messages/messages.d.ts',
        name: 'MessageCreateParamsBase',
      },
    ],
  },
  {
    marker: 'chat-completions',
    table: CHAT_REQUEST_FIELDS,
    types: [
      {
        sdk: 'openai 6.x',
        file: 'node_modules/openai/resources/chat/completions/completions.d.ts',
        name: 'ChatCompletionCreateParamsBase',
      },
    ],
  },
  {
    marker: 'responses',
    table: RESPONSES_REQUEST_FIELDS,
    types: [
      {
        sdk: 'openai 6.x',
        file: 'node_modules/openai/resources/responses/responses.d.ts',
        name: 'ResponseCreateParamsBase',
      },
    ],
  },
];

/** The property names of an interface declared in an SDK's `.d.ts`, inherited ones included. */
function sdkFields({ file, name }: SdkType): string[] {
  const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true });
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`${file} not found: is the SDK installed?`);
  let declaration: ts.InterfaceDeclaration | undefined;
  ts.forEachChild(source, (node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) declaration = node;
  });
  if (declaration === undefined) throw new Error(`${name} is not declared in ${file} any more`);
  const checker = program.getTypeChecker();
  return checker.getPropertiesOfType(checker.getTypeAtLocation(declaration.name)).map((p) => p.name);
}

/** The README's rows between `<!-- request-fields:<marker> -->` and its closing marker. */
function readmeRows(readme: string, marker: string): string[][] {
  return readmeBlock(readme, `request-fields:${marker}`)
    .body.split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|')),
    );
}

describe.each(TABLES)('request fields: $marker', ({ marker, table, types }) => {
  it.each(types)('classifies every field of $sdk $name', (type) => {
    const unclassified = sdkFields(type).filter((field) => !Object.hasOwn(table, field));
    expect(unclassified, `add these fields of ${type.sdk} to the ${marker} field table`).toEqual([]);
  });

  it('is the table the README shows', async () => {
    if (updatingReadme()) await writeReadmeBlock(`request-fields:${marker}`, renderFieldTable(table));
    const expected = Object.entries(table).map(([field, rule]) => [`\`${field}\``, rule.treatment, rule.how]);
    expect(readmeRows(readFileSync(README, 'utf8'), marker)).toEqual(expected);
  });
});

describe('findUnsupportedFields', () => {
  const table: FieldTable = {
    model: { treatment: 'honoured', how: 'as is' },
    temperature: { treatment: 'ignored', how: 'not supported', neutral: [1] },
    modalities: { treatment: 'ignored', how: 'text only', neutral: [['text']] },
    cache: { treatment: 'accepted', how: 'no effect' },
    prompt: { treatment: 'refused', how: 'no templates' },
  };

  it('reports ignored fields set to something else than their default, and unknown fields', () => {
    const report = findUnsupportedFields(
      { model: 'm', temperature: 0.2, modalities: ['text', 'audio'], cache: 'x', zzz: 1 },
      table,
    );
    expect(report.ignored).toEqual([
      { field: 'temperature', problem: 'not supported' },
      { field: 'modalities', problem: 'text only' },
      { field: 'zzz', problem: 'unknown parameter' },
    ]);
    expect(report.refused).toEqual([]);
  });

  it('says nothing about defaults, null, false and empty lists', () => {
    const report = findUnsupportedFields(
      { temperature: 1, modalities: ['text'], prompt: null, zzz: undefined, cache: false },
      table,
    );
    expect(report).toEqual({ ignored: [], refused: [] });
    expect(findUnsupportedFields({ temperature: false, modalities: [] }, table).ignored).toEqual([]);
  });

  it('reports refused fields that are set', () => {
    expect(findUnsupportedFields({ prompt: { id: 'p' } }, table).refused).toEqual([
      { field: 'prompt', problem: 'no templates' },
    ]);
  });

  it('does not take inherited object properties for rules', () => {
    expect(findUnsupportedFields({ toString: 1, constructor: 2 }, table).ignored.map((p) => p.field)).toEqual(
      ['toString', 'constructor'],
    );
  });
});
