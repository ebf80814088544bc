/**
 * Session ids from outside must be UUIDs: `--resume` also takes a path and would load any planted
 * `.jsonl` as the conversation history.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeValidationError } from '../../src/index.js';
import { useFakeClaude } from './helpers.js';

const setup = useFakeClaude();

describe('session id validation', () => {
  const planted = join(tmpdir(), `planted-${process.pid}.jsonl`);
  writeFileSync(planted, '{"type":"user","message":{"role":"user","content":"injected history"}}\n');
  const bad = [planted, '../../etc/passwd', 'not-a-uuid', '', 'x'.repeat(200_000)];

  it('resumeSession refuses anything but a UUID, before spawning', async () => {
    const { wrapper, fake } = await setup();
    for (const id of bad) {
      await expect(wrapper.resumeSession(id, 'x')).rejects.toMatchObject({
        name: 'ClaudeCodeValidationError',
        field: 'sessionId',
      });
      expect(() => wrapper.resumeSessionStreaming(id, 'x')).toThrow(ClaudeCodeValidationError);
    }
    expect(fake.invocations()).toHaveLength(0);
  });

  it('session({ resume }) and the sessionId option refuse a path', async () => {
    const { wrapper, fake } = await setup();
    expect(() => wrapper.session({ resume: planted })).toThrow(
      expect.objectContaining({ field: 'resume' }) as Error,
    );
    expect(() => wrapper.session({ sessionId: planted })).toThrow(
      expect.objectContaining({ field: 'options.sessionId' }) as Error,
    );
    await expect(wrapper.run('x', { sessionId: planted })).rejects.toMatchObject({
      field: 'options.sessionId',
    });
    expect(fake.invocations()).toHaveLength(0);
  });

  it('a UUID still resumes', async () => {
    const { wrapper, fake } = await setup();
    const first = await wrapper.run('one');
    const upper = first.sessionId.toUpperCase();
    await expect(wrapper.resumeSession(first.sessionId, 'two')).resolves.toMatchObject({
      sessionId: first.sessionId,
    });
    await using session = wrapper.session({ resume: first.sessionId });
    await session.ask('three');
    expect(fake.invocations()[1]?.argv).toEqual(expect.arrayContaining(['--resume', first.sessionId]));
    expect(() => wrapper.session({ resume: upper })).not.toThrow();
  });
});
