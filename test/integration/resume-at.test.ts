/**
 * `resumeSession(id, prompt, { resumeAt })`: the CLI resumes the session only up to that message
 * (`--resume-session-at`, what the proxy uses to branch from a turn of a session that went on).
 */
import { describe, expect, it } from 'vitest';
import { ClaudeCodeValidationError } from '../../src/index.js';
import { useFakeClaude } from './helpers.js';

const setup = useFakeClaude();
const SESSION = '6f1c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e';
const MESSAGE = '0b7c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e';

describe('resumeAt', () => {
  it('passes --resume-session-at with --resume, and refuses anything but a uuid', async () => {
    const { wrapper, fake } = await setup();
    await wrapper.resumeSession(SESSION, 'branch', { fork: true, resumeAt: MESSAGE });
    const argv = fake.invocations().find((run) => !run.argv.includes('--version'))?.argv ?? [];
    expect(argv).toEqual(expect.arrayContaining(['--resume', SESSION, '--fork-session']));
    expect(argv[argv.indexOf('--resume-session-at') + 1]).toBe(MESSAGE);
    await expect(wrapper.resumeSession(SESSION, 'x', { resumeAt: '--help' })).rejects.toBeInstanceOf(
      ClaudeCodeValidationError,
    );
    await expect(wrapper.resumeSession(SESSION, 'x', { resumeAt: '--help' })).rejects.toThrow(
      /options\.resumeAt.*message uuid/,
    );
  });
});
