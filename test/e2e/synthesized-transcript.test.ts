/**
 * A synthesized transcript makes the real CLI send a history it never ran as separate role turns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeCodeWrapper } from '../../src/index.js';
import { synthesizeTranscript } from '../../src/session/synthesize-transcript.js';
import { lastUserText, startFakeApi, type FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';

let api: FakeApi;
let cli: CliEnv;
beforeAll(async () => {
  api = await startFakeApi();
  cli = await makeCliEnv(api.url);
});
afterAll(async () => {
  await api.close();
  await cli.cleanup();
});

describe('synthesized transcripts', () => {
  it('resume a never-seen history with role fidelity, images included', async () => {
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    const { sessionId } = synthesizeTranscript({
      env: cli.env,
      turns: [
        { role: 'user', content: 'my name is Ada' },
        { role: 'assistant', content: 'Nice to meet you, Ada.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look at this' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
          ],
        },
        { role: 'assistant', content: 'A single pixel.' },
      ],
    });
    const wrapper = new ClaudeCodeWrapper({
      claudeBinary: realClaudeBinary(),
      env: cli.env,
      workingDirectory: cli.cwd,
      logLevel: 'silent',
      tools: [],
    });
    const response = await wrapper.resumeSession(sessionId, 'what is my name?', { fork: true });
    expect(response.isError).toBe(false);
    expect(response.sessionId).not.toBe(sessionId);
    const messages = (
      api.messageRequests().at(-1)?.body as { messages: Array<{ role: string; content: unknown }> }
    ).messages.filter((m) => m.role !== 'system');
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages.map((m) => lastUserText({ messages: [{ ...m, role: 'user' }] }))).toEqual([
      'my name is Ada',
      'Nice to meet you, Ada.',
      'look at this',
      'A single pixel.',
      'what is my name?',
    ]);
    expect(JSON.stringify(messages[2])).toContain(png);
  });
});
