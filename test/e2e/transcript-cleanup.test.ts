/**
 * Transcripts of runs nobody can resume are removed: a client that aborts a stream leaves no CLI
 * session transcript (nor the synthesized one, nor the project folder of the run's throwaway
 * working directory), while the transcript of an answered conversation stays and resumes.
 * Official clients → proxy → real Claude Code CLI → fake Messages API.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRealCliProxy } from './real-cli-proxy.js';
import { eventually } from '../integration/helpers.js';

// The answered conversation must resume from its transcript: no process is kept to continue it.
const proxy = useRealCliProxy({ ssePingIntervalMs: 0, conversationProcesses: 0 });

const projects = (): string => join(proxy.cli.home, '.claude', 'projects');

/** Every transcript file under the CLI's projects folder, as `<folder>/<file>`. */
function transcripts(): string[] {
  if (!existsSync(projects())) return [];
  return readdirSync(projects()).flatMap((folder) =>
    statSync(join(projects(), folder)).isDirectory()
      ? readdirSync(join(projects(), folder))
          .filter((name) => name.endsWith('.jsonl'))
          .map((name) => `${folder}/${name}`)
      : [],
  );
}

const folders = (): string[] => (existsSync(projects()) ? readdirSync(projects()) : []);

/** Ask for a stream of the answer to `messages`. */
function postStream(messages: unknown[], signal: AbortSignal): Promise<Response> {
  return fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 50, stream: true, messages }),
    signal,
  });
}

/** Start a stream, read until `until` appears, then go away. */
async function abortedStream(messages: unknown[], until: string): Promise<void> {
  const controller = new AbortController();
  const response = await postStream(messages, controller.signal);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(until)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
}

async function ask(messages: unknown[]): Promise<{ text: string; context: string | null }> {
  const response = await fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 50, messages }),
  });
  const message = (await response.json()) as { content: { text: string }[] };
  return { text: message.content[0]?.text ?? '', context: response.headers.get('x-claude-code-context') };
}

describe('transcripts of runs the server started', () => {
  it('removes those of 5 aborted streams, keeps the answered conversation resumable', async () => {
    const answered = await ask([{ role: 'user', content: 'keep me' }]);
    await eventually(() => transcripts().length === 1, 5000);
    const kept = transcripts();
    const keptFolders = folders();
    expect(kept).toHaveLength(1);

    proxy.api.setDefault({ kind: 'text', chunks: ['one ', 'two ', 'three'], chunkDelayMs: 2000 });
    for (let i = 0; i < 5; i += 1) {
      await abortedStream([{ role: 'user', content: `aborted ${i}` }], 'content_block_delta');
    }
    // An unknown history is synthesized into a transcript of its own; aborted, it goes too.
    await abortedStream(
      [
        { role: 'user', content: 'imported question' },
        { role: 'assistant', content: 'imported answer' },
        { role: 'user', content: 'aborted follow-up' },
      ],
      'content_block_delta',
    );
    // And a client that gives up before the first token (the CLI has announced its session by then).
    proxy.api.setDefault({ kind: 'text', ttftMs: 5000 });
    const early = new AbortController();
    setTimeout(() => early.abort(), 2500);
    await postStream([{ role: 'user', content: 'gave up' }], early.signal).catch(() => undefined);
    const clean = await eventually(
      () => transcripts().join() === kept.join() && folders().join() === keptFolders.join(),
      10_000,
      100,
    );
    expect({ transcripts: transcripts(), folders: folders() }).toEqual({
      transcripts: kept,
      folders: keptFolders,
    });
    expect(clean).toBe(true);

    proxy.api.setDefault({ kind: 'text' });
    const next = await ask([
      { role: 'user', content: 'keep me' },
      { role: 'assistant', content: answered.text },
      { role: 'user', content: 'still there?' },
    ]);
    expect(next.context).toBe('resumed');
    expect(next.text).toBe('You said: still there?');
  }, 90_000);
});
