import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectFolderName } from './cli-folder-name.js';
import { cliTempDirectory, sweepCliTemp } from './cli-temp-sweep.js';
import { ISOLATED_ROOT, takeIsolatedDirectory } from './isolated-directory.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccw-cli-tmp-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A directory in the CLI's temp directory, last modified `ageMs` ago. */
async function entry(name: string, ageMs: number): Promise<string> {
  const path = join(cliTempDirectory({ CLAUDE_CODE_TMPDIR: root }) ?? '', name);
  await mkdir(join(path, 'inside'), { recursive: true });
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
  return path;
}

describe('sweepCliTemp', () => {
  it('removes old probe directories and the folders of isolated run directories that are gone', async () => {
    const live = takeIsolatedDirectory();
    const oldProbe = await entry('fswatch-probe-AbC123', 120_000);
    const newProbe = await entry('fswatch-probe-XyZ789', 1_000);
    const goneRun = await entry(projectFolderName(join(ISOLATED_ROOT, 'run-Gone12')), 120_000);
    const liveRun = await entry(projectFolderName(live), 120_000);
    const other = await entry('-home-someone-project', 120_000);
    const env = { CLAUDE_CODE_TMPDIR: root };
    expect(await sweepCliTemp(env)).toBe(2);
    expect([oldProbe, newProbe, goneRun, liveRun, other].map((path) => existsSync(path))).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
    await rm(live, { recursive: true, force: true });
  });

  it('sweeps a directory at most once a minute, and never fails', async () => {
    const env = { CLAUDE_CODE_TMPDIR: root };
    const now = Date.now();
    expect(await sweepCliTemp(env, { now })).toBe(0);
    const probe = await entry('fswatch-probe-Later1', 120_000);
    expect(await sweepCliTemp(env, { now: now + 1_000 })).toBe(0);
    expect(existsSync(probe)).toBe(true);
    expect(await sweepCliTemp(env, { now: now + 61_000 })).toBe(1);
    expect(await sweepCliTemp({ CLAUDE_CODE_TMPDIR: join(root, 'missing') })).toBe(0);
  });
});
