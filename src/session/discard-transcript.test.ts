import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ISOLATED_ROOT } from '../process/isolated-directory.js';
import { discardToolResultBlobs, discardTranscripts, projectFolderName } from './discard-transcript.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A CLI config directory with one project folder for `cwd` holding `sessions`. */
function projectWith(cwd: string, sessions: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'ccw-discard-'));
  homes.push(home);
  const folder = join(home, '.claude', 'projects', projectFolderName(cwd));
  mkdirSync(join(folder, 'memory'), { recursive: true });
  for (const id of sessions) writeFileSync(join(folder, `${id}.jsonl`), '{}\n');
  return { env: { HOME: home }, folder };
}

describe('discardTranscripts', () => {
  it('removes the session file and the folder of an isolated directory that is gone', async () => {
    const cwd = join(ISOLATED_ROOT, `run-gone${process.pid}`);
    const id = randomUUID();
    const { env, folder } = projectWith(cwd, [id]);
    await discardTranscripts({ env, sessionId: id, cwd });
    expect(existsSync(folder)).toBe(false);
  });

  it('keeps the other sessions of the folder, and the folder', async () => {
    const cwd = join(ISOLATED_ROOT, `run-shared${process.pid}`);
    const [aborted, resumable] = [randomUUID(), randomUUID()];
    const { env, folder } = projectWith(cwd, [aborted, resumable]);
    await discardTranscripts({ env, sessionId: aborted, cwd });
    expect(existsSync(join(folder, `${aborted}.jsonl`))).toBe(false);
    expect(existsSync(join(folder, `${resumable}.jsonl`))).toBe(true);
  });

  it('keeps the folder of a working directory that still exists or is not an isolated one', async () => {
    const live = mkdtempSync(join(tmpdir(), 'ccw-live-cwd-'));
    homes.push(live);
    const id = randomUUID();
    const { env, folder } = projectWith(live, [id]);
    await discardTranscripts({ env, sessionId: id, cwd: live });
    expect(existsSync(join(folder, `${id}.jsonl`))).toBe(false);
    expect(existsSync(folder)).toBe(true);
  });

  it('touches nothing for an id that is not a session id', async () => {
    const cwd = join(ISOLATED_ROOT, `run-odd${process.pid}`);
    const { env, folder } = projectWith(cwd, ['notes']);
    await discardTranscripts({ env, sessionId: '../notes', cwd });
    await discardTranscripts({ env, sessionId: 'notes', cwd });
    expect(existsSync(join(folder, 'notes.jsonl'))).toBe(true);
  });

  it("removes the session's own folder (saved tool results) with its transcript", async () => {
    const cwd = join(ISOLATED_ROOT, `run-files${process.pid}`);
    const id = randomUUID();
    const { env, folder } = projectWith(cwd, [id]);
    mkdirSync(join(folder, id, 'tool-results'), { recursive: true });
    writeFileSync(join(folder, id, 'tool-results', 'mcp-srv-blob-1-a.png'), 'png');
    await discardTranscripts({ env, sessionId: id, cwd });
    expect(existsSync(folder)).toBe(false);
  });

  it('removes a synthesized transcript', async () => {
    const id = randomUUID();
    const { env } = projectWith('/x', []);
    const synthetic = join(env.HOME, '.claude', 'projects', '-claude-code-wrapper-synthetic');
    mkdirSync(synthetic, { recursive: true });
    writeFileSync(join(synthetic, `${id}.jsonl`), '{}\n');
    await discardTranscripts({ env, synthesizedSessionId: id });
    expect(existsSync(join(synthetic, `${id}.jsonl`))).toBe(false);
  });
});

describe('discardToolResultBlobs', () => {
  /** A session folder with saved tool results: `names` under `<session>/tool-results/`. */
  function sessionWithResults(names: string[]) {
    const cwd = join(ISOLATED_ROOT, `run-blobs${process.pid}`);
    const id = randomUUID();
    const { env, folder } = projectWith(cwd, [id]);
    const results = join(folder, id, 'tool-results');
    mkdirSync(results, { recursive: true });
    for (const name of names) writeFileSync(join(results, name), 'data');
    return { env, cwd, id, folder, results };
  }

  it("removes the server's saved blobs and the folders left empty, and keeps the transcript", async () => {
    const { env, cwd, id, folder } = sessionWithResults(['mcp-srv-blob-1-a.png', 'mcp-srv-blob-2-b.jpeg']);
    await discardToolResultBlobs({ env, sessionId: id, cwd, server: 'srv' });
    expect(existsSync(join(folder, id))).toBe(false);
    expect(existsSync(join(folder, `${id}.jsonl`))).toBe(true);
  });

  it("keeps other files of the session: another server's, and saved outputs", async () => {
    const { env, cwd, id, results } = sessionWithResults([
      'mcp-srv-blob-1-a.png',
      'mcp-other-blob-1-a.png',
      'toolu_01.txt',
    ]);
    await discardToolResultBlobs({ env, sessionId: id, cwd, server: 'srv' });
    expect(existsSync(join(results, 'mcp-srv-blob-1-a.png'))).toBe(false);
    expect(existsSync(join(results, 'mcp-other-blob-1-a.png'))).toBe(true);
    expect(existsSync(join(results, 'toolu_01.txt'))).toBe(true);
  });

  it('touches nothing for an id that is not a session id', async () => {
    const { env, cwd, results } = sessionWithResults(['mcp-srv-blob-1-a.png']);
    await discardToolResultBlobs({ env, sessionId: '..', cwd, server: 'srv' });
    expect(existsSync(join(results, 'mcp-srv-blob-1-a.png'))).toBe(true);
  });
});
