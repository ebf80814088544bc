import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore, type KeyValueStore } from '../storage/key-value-store.js';
import { projectFolderName } from './discard-transcript.js';
import { sessionCwd, SharedTranscripts } from './shared-transcripts.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A machine: a HOME whose CLI config directory is empty. */
function machine(): { env: { HOME: string }; home: string } {
  const home = mkdtempSync(join(tmpdir(), 'ccw-shared-'));
  homes.push(home);
  return { env: { HOME: home }, home };
}

const CWD = '/tmp/claude-code-wrapper/run-shared';

/** Where the CLI writes session `id`'s transcript for a run in {@link CWD}. */
function transcriptPath(home: string, id: string): string {
  return join(home, '.claude', 'projects', projectFolderName(CWD), `${id}.jsonl`);
}

/** Write session `id`'s transcript as the CLI would for a run in {@link CWD}; returns its path. */
function transcript(home: string, id: string, rows: string[]): string {
  const path = transcriptPath(home, id);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, rows.map((row) => `${row}\n`).join(''));
  return path;
}

describe('SharedTranscripts', () => {
  it('copies a session answered on one machine into the CLI config directory of another', async () => {
    const store = new MemoryKeyValueStore();
    const [a, b] = [machine(), machine()];
    const sessionId = randomUUID();
    const answer = randomUUID();
    const path = transcript(a.home, sessionId, [
      '{"type":"user"}',
      `{"type":"assistant","uuid":"${answer}"}`,
    ]);
    const point = { sessionId, atMessage: answer };

    const onA = new SharedTranscripts(store);
    expect(await onA.save(point, path)).toBeGreaterThan(0);
    // The server that wrote it does not copy it again.
    expect(await onA.restore(point, a.env)).toBe('local');

    const onB = new SharedTranscripts(store);
    expect(await onB.restore(point, b.env)).toBe('restored');
    const copy = join(b.home, '.claude', 'projects', '-claude-code-wrapper-synthetic', `${sessionId}.jsonl`);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(path, 'utf8'));
    expect(await onB.restore(point, b.env)).toBe('local');
    expect(await onB.restore({ sessionId: randomUUID() }, b.env)).toBe('missing');
  });

  it('waits for the answer’s row before storing the transcript', async () => {
    const store = new MemoryKeyValueStore();
    const a = machine();
    const sessionId = randomUUID();
    const answer = randomUUID();
    const path = transcript(a.home, sessionId, ['{"type":"user"}']);
    // The CLI's write of the answer lands a moment after its result line.
    setTimeout(() => appendFileSync(path, `{"type":"assistant","uuid":"${answer}"}\n`), 30);
    await new SharedTranscripts(store).save({ sessionId, atMessage: answer }, path);

    const b = machine();
    await new SharedTranscripts(store).restore({ sessionId, atMessage: answer }, b.env);
    const copy = join(b.home, '.claude', 'projects', '-claude-code-wrapper-synthetic', `${sessionId}.jsonl`);
    expect(readFileSync(copy, 'utf8')).toContain(answer);
  });

  it('never fails: a missing file or a failing store is reported and nothing is stored', async () => {
    const failing: KeyValueStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
      close: () => Promise.resolve(),
    };
    const errors: string[] = [];
    const shared = new SharedTranscripts(failing, { onError: (_error, operation) => errors.push(operation) });
    const a = machine();
    const sessionId = randomUUID();
    expect(await shared.save({ sessionId }, transcriptPath(a.home, sessionId))).toBe(0);
    const path = transcript(a.home, sessionId, ['{"type":"user"}']);
    expect(await shared.save({ sessionId }, path)).toBe(0);
    expect(await shared.restore({ sessionId: randomUUID() }, a.env)).toBe('failed');
    expect(errors).toEqual(['save', 'save', 'restore']);
  });
});

describe('sessionCwd', () => {
  it('is the working directory of the last system/init message', () => {
    expect(
      sessionCwd([
        { type: 'system', subtype: 'init', cwd: '/first' },
        { type: 'assistant' },
        { type: 'system', subtype: 'init', cwd: '/second' },
        { type: 'result' },
      ] as { type: string }[]),
    ).toBe('/second');
    expect(sessionCwd([{ type: 'assistant' }])).toBeUndefined();
  });
});
