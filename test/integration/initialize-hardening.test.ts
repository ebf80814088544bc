/**
 * With the fake CLI: caller text goes in the `initialize` control request written before the
 * prompt, its answer is no turn output, and a refused initialize fails the turn instead of running
 * without the caller's system prompt.
 */
import { describe, expect, it } from 'vitest';
import { ClaudeCodeProtocolError } from '../../src/index.js';
import { useFakeClaude } from './helpers.js';
import { initializeRequest } from './initialize-request.js';

const setup = useFakeClaude();

describe('initialize request', () => {
  it('carries systemPrompt, appendSystemPrompt and jsonSchema ahead of the prompt, not argv', async () => {
    const { wrapper, fake } = await setup({ default: { kind: 'reply', structured: { ok: true } } });
    const jsonSchema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const response = await wrapper.run('hi', {
      systemPrompt: 'SYSTEM TEXT',
      appendSystemPrompt: 'APPENDIX',
      jsonSchema,
    });
    expect(response.structuredOutput).toEqual({ ok: true });
    // The initialize answer is bookkeeping, not part of the run's messages.
    expect(response.messages.some((m) => m.type === 'control_response')).toBe(false);
    const invocation = fake.invocations()[0];
    expect(invocation?.stdin.map((l) => (l as { type: string }).type)).toEqual(['control_request', 'user']);
    expect(initializeRequest(invocation)).toMatchObject({
      subtype: 'initialize',
      systemPrompt: 'SYSTEM TEXT',
      appendSystemPrompt: 'APPENDIX',
      jsonSchema,
    });
    expect(invocation?.argv.join(' ')).not.toMatch(/SYSTEM TEXT|APPENDIX|--json-schema|--system-prompt/);
  });

  it('sends nothing extra when the run sets none of them', async () => {
    const { wrapper, fake } = await setup();
    await wrapper.run('hi');
    expect(fake.invocations()[0]?.stdin.map((l) => (l as { type: string }).type)).toEqual(['user']);
  });

  it('a refused initialize fails the turn, for runs and sessions', async () => {
    const { wrapper } = await setup({ initializeError: 'unsupported field' });
    await expect(wrapper.run('hi', { systemPrompt: 'x' })).rejects.toThrow(ClaudeCodeProtocolError);
    await expect(wrapper.run('hi', { systemPrompt: 'x' })).rejects.toThrow(/unsupported field/);
    await using session = wrapper.session({ systemPrompt: 'x' });
    await expect(session.ask('hi')).rejects.toBeInstanceOf(ClaudeCodeProtocolError);
  });
});
