import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TOKENS, OpenAIApiError, toAnthropicRequest } from '../../src/compat/openai/index.js';

const png = 'iVBORw0KGgo=';

describe('toAnthropicRequest', () => {
  it('maps a minimal request', () => {
    const result = toAnthropicRequest({ model: 'sonnet', messages: [{ role: 'user', content: 'Hi' }] });
    expect(result).toEqual({
      params: {
        model: 'sonnet',
        max_tokens: DEFAULT_MAX_TOKENS,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      },
      stream: false,
      includeUsage: false,
      warnings: [],
    });
  });

  it('joins system and developer messages into the system prompt with blank lines', () => {
    const { params, warnings } = toAnthropicRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
        { role: 'system', content: 'Late rule.' },
      ],
    });
    expect(params.system).toBe('Be brief.\n\nAnswer in French.\n\nLate rule.');
    expect(params.messages).toHaveLength(1);
    expect(warnings).toEqual(['system message at messages[3] was moved to the top-level system prompt']);
  });

  it('merges consecutive same-role messages and keeps role order', () => {
    const { params } = toAnthropicRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'three' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'four' }] },
        { role: 'user', content: 'five' },
      ],
    });
    expect(params.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'three' },
          { type: 'text', text: 'four' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'five' }] },
    ]);
  });

  it('drops blank turns, so their neighbours merge', () => {
    const { params } = toAnthropicRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: null },
        { role: 'assistant', content: '  ' },
        { role: 'user', content: 'b' },
      ],
    });
    expect(params.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
  });

  it('turns data URL images into base64 image blocks', () => {
    const { params } = toAnthropicRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}`, detail: 'high' } },
          ],
        },
      ],
    });
    expect(params.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    ]);
  });

  it('maps token limits, stop sequences, user and streaming flags', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
    expect(toAnthropicRequest({ ...base, max_tokens: 100 }).params.max_tokens).toBe(100);
    expect(
      toAnthropicRequest({ ...base, max_tokens: 100, max_completion_tokens: 50 }).params.max_tokens,
    ).toBe(50);
    expect(toAnthropicRequest({ ...base, stop: 'END' }).params.stop_sequences).toEqual(['END']);
    expect(toAnthropicRequest({ ...base, stop: ['a', 'b'] }).params.stop_sequences).toEqual(['a', 'b']);
    expect(toAnthropicRequest({ ...base, stop: null }).params).not.toHaveProperty('stop_sequences');
    expect(toAnthropicRequest({ ...base, stop: [''] }).params).not.toHaveProperty('stop_sequences');
    expect(toAnthropicRequest({ ...base, user: 'u1' }).params.metadata).toEqual({ user_id: 'u1' });
    const streamed = toAnthropicRequest({ ...base, stream: true, stream_options: { include_usage: true } });
    expect(streamed).toMatchObject({ stream: true, includeUsage: true });
    expect(streamed.params).not.toHaveProperty('stream');
    expect(toAnthropicRequest({ ...base, stream_options: { include_usage: true } }).includeUsage).toBe(false);
  });

  it('maps response_format and reasoning_effort to output_config', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    const strict = toAnthropicRequest({
      ...base,
      response_format: { type: 'json_schema', json_schema: { name: 's', schema, strict: true } },
      reasoning_effort: 'minimal',
    });
    expect(strict.params.output_config).toEqual({ format: { type: 'json_schema', schema }, effort: 'low' });
    expect(strict.warnings).toEqual([]);
    const loose = toAnthropicRequest({
      ...base,
      response_format: { type: 'json_schema', json_schema: { name: 's', schema } },
    });
    expect(loose.params.output_config).toEqual({ format: { type: 'json_schema', schema } });
    const object = toAnthropicRequest({ ...base, response_format: { type: 'json_object' } });
    expect(object.params.output_config).toEqual({
      format: { type: 'json_schema', schema: { type: 'object' } },
    });
    const noSchema = toAnthropicRequest({
      ...base,
      response_format: { type: 'json_schema', json_schema: { name: 's' } },
    });
    expect(noSchema.params.output_config?.format?.schema).toEqual({ type: 'object' });
    expect(toAnthropicRequest({ ...base, reasoning_effort: 'high' }).params.output_config).toEqual({
      effort: 'high',
    });
    expect(toAnthropicRequest({ ...base, response_format: { type: 'text' } }).params).not.toHaveProperty(
      'output_config',
    );
    expect(() =>
      toAnthropicRequest({ ...base, response_format: { type: 'json_schema', json_schema: { schema } } }),
    ).toThrow(/response_format\.json_schema\.name/);
  });

  it('warns about parameters it ignores, but not about defaults', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
    const { warnings } = toAnthropicRequest({
      ...base,
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 's' } },
      seed: 1,
      temperature: 0.2,
      presence_penalty: 0.5,
      logprobs: true,
    });
    expect(warnings).toEqual([
      'temperature: not supported by the Claude Code CLI (it samples with its own settings); ignored',
      'seed: not supported by the Claude Code CLI; ignored',
      'presence_penalty: not supported by the Claude Code CLI; ignored',
      'logprobs: not supported by the Claude Code CLI; ignored',
    ]);
    const quiet = toAnthropicRequest({
      ...base,
      temperature: 1,
      logprobs: false,
      presence_penalty: 0,
      tools: [],
      parallel_tool_calls: true,
      response_format: { type: 'text' },
    });
    expect(quiet.warnings).toEqual([]);
  });

  it('rejects a conversation with no user or assistant content', () => {
    const attempt = () =>
      toAnthropicRequest({ model: 'm', messages: [{ role: 'system', content: 'Rules' }] });
    expect(attempt).toThrow(OpenAIApiError);
    expect(attempt).toThrow(/at least one user or assistant message/);
  });
});
