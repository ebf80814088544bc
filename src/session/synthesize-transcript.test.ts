import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_NOTE, synthesizeTranscript, type TranscriptTurn } from './synthesize-transcript.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A transcript file in the synthetic folder, last modified `ageMs` ago. */
function leftover(dir: string, name: string, ageMs: number): string {
  const path = join(dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, '{}\n');
  const at = (Date.now() - ageMs) / 1000;
  utimesSync(path, at, at);
  return path;
}

describe('synthesizeTranscript', () => {
  it('removes transcripts older than an hour, listing the folder at most once a minute', () => {
    const root = mkdtempSync(join(tmpdir(), 'ccw-synth-'));
    roots.push(root);
    const env = { CLAUDE_CONFIG_DIR: root };
    const turns = [{ role: 'user' as const, content: 'hi' }];
    const dir = join(root, 'projects', '-claude-code-wrapper-synthetic');
    const old = leftover(dir, 'old.jsonl', 2 * 3_600_000);
    const recent = leftover(dir, 'recent.jsonl', 60_000);

    const first = synthesizeTranscript({ env, turns });
    expect(dirname(first.path)).toBe(dir);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(first.path)).toBe(true);

    // Within the minute the folder is not listed again: a new stale file waits for the next sweep.
    const stale = leftover(dir, 'stale.jsonl', 2 * 3_600_000);
    const second = synthesizeTranscript({ env, turns });
    expect(existsSync(stale)).toBe(true);
    expect(existsSync(second.path)).toBe(true);
  });

  it('writes system turns as system-role attachments, skips blank ones, and gives the first user turn a note', () => {
    const root = mkdtempSync(join(tmpdir(), 'ccw-synth-'));
    roots.push(root);
    const lines = (turns: TranscriptTurn[]) =>
      readFileSync(synthesizeTranscript({ env: { CLAUDE_CONFIG_DIR: root }, turns }).path, 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as { type: string; parentUuid: string | null; uuid: string; rendered?: unknown },
        );

    const plain = lines([
      { role: 'user', content: 'u1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'u2' },
      { role: 'system', content: [{ type: 'text', text: '  ' }] },
      { role: 'assistant', content: 'a2' },
    ]);
    expect(plain.map((l) => l.type)).toEqual(['user', 'attachment', 'assistant', 'user', 'assistant']);
    expect(plain[1]?.rendered).toEqual([{ content: HISTORY_NOTE }]);
    plain.slice(1).forEach((line, i) => expect(line.parentUuid).toBe(plain[i]?.uuid));

    const withSystem = lines([
      { role: 'user', content: 'u1' },
      { role: 'system', content: [{ type: 'text', text: 'be brief' }] },
      { role: 'assistant', content: 'a1' },
    ]);
    expect(withSystem.map((l) => l.type)).toEqual(['user', 'attachment', 'assistant']);
    expect(withSystem[1]).toMatchObject({ rendered: [{ content: 'be brief' }], renderedRole: 'system' });
  });
});
