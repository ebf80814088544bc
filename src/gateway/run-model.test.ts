import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MAP, mergeModelMap, runModelResolver } from './run-model.js';

describe('runModelResolver', () => {
  const resolve = runModelResolver();

  it.each([
    ['claude-opus-5-5', 'claude-opus-5-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5-20251001'],
    ['opus', 'opus'],
    ['Sonnet', 'sonnet'],
    ['haiku', 'haiku'],
    ['fable', 'fable'],
  ])('passes the Claude name %s as %s, silently', (requested, expected) => {
    expect(resolve(requested)).toEqual({ model: expected, warning: undefined });
  });

  it.each(Object.entries(DEFAULT_MODEL_MAP))('maps %s to %s by default, silently', (requested, expected) => {
    expect(resolve(requested)).toEqual({ model: expected, warning: undefined });
    expect(resolve(` ${requested.toUpperCase()} `).model).toBe(expected);
  });

  it('has a small documented default table over OpenAI names', () => {
    expect(DEFAULT_MODEL_MAP).toMatchObject({
      'gpt-4o': 'sonnet',
      'gpt-4o-mini': 'haiku',
      'gpt-4.1': 'sonnet',
      'gpt-4.1-mini': 'haiku',
      'gpt-5': 'opus',
      'gpt-5-mini': 'sonnet',
      o3: 'opus',
      'o4-mini': 'sonnet',
    });
  });

  it('merges a configured map over the defaults (any case), and it wins over aliases and ids', () => {
    const custom = runModelResolver({
      modelMap: {
        'GPT-4o': 'opus',
        'my-model': 'claude-haiku-4-5',
        sonnet: 'haiku',
        'claude-3-opus': 'opus',
      },
    });
    expect(custom('gpt-4o')).toEqual({ model: 'opus', warning: undefined });
    expect(custom('gpt-4o-mini')).toEqual({ model: 'haiku', warning: undefined });
    expect(custom('My-Model')).toEqual({ model: 'claude-haiku-4-5', warning: undefined });
    expect(custom('sonnet').model).toBe('haiku');
    expect(custom('claude-3-opus').model).toBe('opus');
    expect(mergeModelMap({ 'GPT-4o': 'opus' }).get('gpt-4o')).toBe('opus');
  });

  it('runs a name that only contains a family as that family, with a warning', () => {
    expect(resolve('anthropic.claude-sonnet-v2:0')).toEqual({
      model: 'sonnet',
      warning:
        "model 'anthropic.claude-sonnet-v2:0' is not a Claude model id; ran 'sonnet', the family its name contains",
    });
    expect(resolve('my-opus-proxy').model).toBe('opus');
  });

  it('runs an unknown name as the default model, with a warning naming both', () => {
    expect(runModelResolver({ defaultModel: 'haiku' })('gpt-4o-2024-08-06')).toEqual({
      model: 'haiku',
      warning:
        "model 'gpt-4o-2024-08-06' is not a Claude model, alias or modelMap entry; ran the default model 'haiku' instead",
    });
    // No defaultModel: no --model, so the wrapper's configured model (or the CLI's default) runs.
    expect(runModelResolver({ configuredModel: 'opus' })('llama-3')).toEqual({
      model: undefined,
      warning:
        "model 'llama-3' is not a Claude model, alias or modelMap entry; ran the default model 'opus' instead",
    });
    expect(resolve('llama-3')).toEqual({
      model: undefined,
      warning:
        "model 'llama-3' is not a Claude model, alias or modelMap entry; ran the CLI's default model instead",
    });
  });
});
