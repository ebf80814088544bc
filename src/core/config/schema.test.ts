import { describe, expect, it } from 'vitest';
import { ClaudeCodeValidationError } from '../errors/index.js';
import { configSchema, runOptionsSchema } from './schema.js';
import { parseOrThrow } from './validate.js';
import { nestedSchema } from '../../../test/support/schemas.js';

describe('model names', () => {
  it.each([
    'sonnet',
    'opus',
    'claude-opus-4-1[1m]',
    'claude-sonnet-4-5-20250929',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'claude-sonnet-4-5@20250929',
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc',
  ])('accepts %s', (model) => {
    expect(parseOrThrow(runOptionsSchema, { model, fallbackModel: model })).toMatchObject({ model });
  });

  it.each([['x'.repeat(200_000)], ['a'.repeat(129)], ['--help'], ['sonnet --x'], ['a\nb'], ['']])(
    'refuses %#',
    (model) => {
      expect(() => parseOrThrow(runOptionsSchema, { model }, 'options')).toThrow(
        expect.objectContaining({ name: 'ClaudeCodeValidationError', field: 'options.model' }) as Error,
      );
      expect(() => parseOrThrow(configSchema, { fallbackModel: model }, 'config')).toThrow(
        expect.objectContaining({ field: 'config.fallbackModel' }) as Error,
      );
    },
  );

  it('takes a comma-separated fallback list, each name checked', () => {
    expect(parseOrThrow(runOptionsSchema, { fallbackModel: 'sonnet,haiku' }).fallbackModel).toBe(
      'sonnet,haiku',
    );
    expect(() => parseOrThrow(runOptionsSchema, { fallbackModel: 'sonnet,-x' })).toThrow(
      ClaudeCodeValidationError,
    );
  });
});

describe('JSON object options', () => {
  it('refuses nesting deep enough to overflow JSON.stringify', () => {
    expect(parseOrThrow(runOptionsSchema, { jsonSchema: nestedSchema(20) }).jsonSchema).toBeDefined();
    for (const field of ['jsonSchema', 'settings', 'mcpConfig'] as const) {
      expect(() => parseOrThrow(runOptionsSchema, { [field]: nestedSchema(6000) }, 'options')).toThrow(
        expect.objectContaining({ field: `options.${field}` }) as Error,
      );
    }
  });
});
