import { describe, expect, it } from 'vitest';
import {
  AnthropicApiError,
  findModel,
  listModels,
  parseMessagesRequest,
  translateRequest,
  type TranslateOptions,
} from '../../src/compat/anthropic/index.js';

const base = { model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] };

function translate(body: Record<string, unknown>, options?: TranslateOptions) {
  return translateRequest(parseMessagesRequest({ ...base, ...body }), options);
}

function rejection(fn: () => unknown): AnthropicApiError {
  try {
    fn();
  } catch (error) {
    if (AnthropicApiError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AnthropicApiError');
}

describe('listModels / findModel', () => {
  it('returns complete ModelInfo objects', () => {
    const models = listModels();
    expect(models.map((m) => m.id)).toEqual([
      'claude-opus-5-5',
      'claude-sonnet-5-5',
      'claude-fable-5-2',
      'claude-haiku-4-5',
    ]);
    for (const model of models) {
      expect(model).toMatchObject({ type: 'model', lifecycle: 'active' });
      expect(model.display_name).toMatch(/^Claude /);
      expect(Date.parse(model.created_at)).not.toBeNaN();
    }
  });

  it('finds by id or alias', () => {
    expect(findModel('opus')?.id).toBe('claude-opus-5-5');
    expect(findModel('claude-fable-5-2')?.display_name).toBe('Claude Fable 5.2');
    expect(findModel('gpt-4')).toBeUndefined();
  });
});

describe('translateRequest', () => {
  it('sends only the new user turn and sets the run options', () => {
    const t = translate({ system: 'Be terse.', model: 'claude-opus-5-5', max_tokens: 900 });
    expect(t.prompt).toEqual([{ type: 'text', text: 'hi' }]);
    expect(t.runOptions).toEqual({
      systemPrompt: 'Be terse.',
      tools: [],
      env: { CLAUDE_CODE_MAX_OUTPUT_TOKENS: '900' },
    });
    expect(t.warnings).toEqual([]);
    expect(t.history).toEqual([]);
  });

  it('appends the system prompt in append mode and keeps CLI tools when allowed', () => {
    const t = translate(
      {
        system: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B' },
        ],
      },
      {
        systemPromptMode: 'append',
        allowCliTools: true,
      },
    );
    expect(t.runOptions.appendSystemPrompt).toBe('A\n\nB');
    expect(t.runOptions.systemPrompt).toBeUndefined();
    expect(t.runOptions.tools).toBeUndefined();
  });

  it('merges the configured env under its own variables and passes effort and working directory', () => {
    const t = translate(
      { output_config: { effort: 'high' } },
      { baseEnv: { FOO: '1', CLAUDE_CODE_MAX_OUTPUT_TOKENS: '5' }, workingDirectory: '/tmp' },
    );
    expect(t.runOptions.env).toEqual({ FOO: '1', CLAUDE_CODE_MAX_OUTPUT_TOKENS: '256' });
    expect(t.runOptions.effort).toBe('high');
    expect(t.runOptions.workingDirectory).toBe('/tmp');
  });

  it('keeps the requested model and leaves --model to the gateway (gateway/run-model.ts)', () => {
    const t = translate({ model: 'gpt-4o' });
    expect(t.model).toBe('gpt-4o');
    expect(t.runOptions.model).toBeUndefined();
  });

  it('lists unsupported parameters as warnings by default', () => {
    const t = translate({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      thinking: { type: 'enabled', budget_tokens: 2048 },
      mystery: true,
    });
    expect(t.warnings.map((w) => w.split(':')[0])).toEqual([
      'temperature',
      'top_p',
      'top_k',
      'mystery',
      'thinking.budget_tokens',
      'tools.0',
    ]);
    expect(t.warnings.every((w) => w.endsWith('; ignored'))).toBe(true);
  });

  it('accepts harmless parameters silently', () => {
    const t = translate({
      metadata: { user_id: 'u1' },
      service_tier: 'auto',
      stream: true,
      stop_sequences: ['END'],
      tool_choice: { type: 'auto' },
      thinking: { type: 'adaptive' },
      cache_control: { type: 'ephemeral' },
    });
    expect(t.warnings).toEqual([]);
    expect(t.stopSequences).toEqual(['END']);
    expect(t.includeThinking).toBe(true);
  });

  it('rejects unsupported parameters with 400 in strict mode', () => {
    const error = rejection(() => translate({ temperature: 0.5 }, { strict: true }));
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/^temperature: not supported by the Claude Code CLI.*strict mode/);
    expect(rejection(() => translate({ unknown_field: 1 }, { strict: true })).message).toMatch(
      /^unknown_field:/,
    );
    expect(translate({ metadata: {} }, { strict: true }).warnings).toEqual([]);
  });

  it('requires the last message to be a user message', () => {
    const error = rejection(() =>
      translate({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'The answer is (' },
        ],
      }),
    );
    expect(error.message).toMatch(
      /^messages\.1\.role: the conversation ends with an assistant message \(prefill\)/,
    );
  });

  it('takes system messages after the new turn as system prompt of this run only', () => {
    const t = translate({
      system: 'S1',
      messages: [
        { role: 'user', content: 'q1' },
        { role: 'system', content: 'mid' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'q2' },
        { role: 'system', content: [{ type: 'text', text: 'T1' }] },
        { role: 'system', content: 'T2' },
      ],
    });
    expect(t.system).toBe('S1');
    expect(t.runOptions.systemPrompt).toBe('S1\n\nT1\n\nT2');
    expect(t.history.map((m) => m.role)).toEqual(['user', 'system', 'assistant']);
    expect(t.trailingSystem?.map((m) => m.role)).toEqual(['system', 'system']);
    expect(t.prompt).toEqual([{ type: 'text', text: 'q2' }]);
  });

  it('needs a user message besides system messages', () => {
    expect(rejection(() => translate({ messages: [{ role: 'system', content: 's' }] })).message).toMatch(
      /^messages: at least one user message is required/,
    );
  });

  it('rejects an empty new turn', () => {
    expect(rejection(() => translate({ messages: [{ role: 'user', content: '  ' }] })).message).toMatch(
      /^messages\.0\.content: the final user message must contain/,
    );
  });

  it('splits history, new turn, and leading system messages', () => {
    const t = translate({
      system: 'S1',
      messages: [
        { role: 'system', content: 'S2' },
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'q2' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
      ],
    });
    expect(t.system).toBe('S1\n\nS2');
    expect(t.history.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(t.prompt).toEqual([
      { type: 'text', text: 'q2' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
    ]);
  });

  it('renders tool results in the new turn as marked text', () => {
    const t = translate({
      messages: [
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: '42', is_error: true }],
        },
      ],
    });
    expect(t.prompt).toEqual([{ type: 'text', text: '[tool result for toolu_9 (error)]\n42' }]);
  });
});

describe('translateRequest: a request without a system prompt', () => {
  it("runs with an empty system prompt, as the API would send none (not Claude Code's agent prompt)", () => {
    expect(translate(base).runOptions.systemPrompt).toBe('');
  });

  it("keeps the wrapper's configured system prompt instead, when there is one", () => {
    expect(translate(base, { absentSystemPrompt: 'House rules.' }).runOptions.systemPrompt).toBe(
      'House rules.',
    );
  });

  it("leaves Claude Code's prompt alone in append mode and when the CLI's tools are given", () => {
    expect(translate(base, { systemPromptMode: 'append' }).runOptions).not.toHaveProperty('systemPrompt');
    expect(translate(base, { allowCliTools: true }).runOptions).not.toHaveProperty('systemPrompt');
  });

  it('a request with a system prompt still runs with exactly it', () => {
    expect(translate({ ...base, system: 'Be brief.' }).runOptions.systemPrompt).toBe('Be brief.');
  });
});
