import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED_ROOT, spawnFromSpec, type LaunchSpec } from '../../src/process/launch.js';
import { eventually } from './helpers.js';

/** A spec whose "CLI" records its working directory and that directory's contents. */
function recordingSpec(out: string, leaveFile: boolean): LaunchSpec {
  return {
    binary: '/bin/sh',
    args: ['-c', `pwd > "$OUT"; ls -A >> "$OUT"${leaveFile ? '; touch left-behind' : ''}`],
    env: { OUT: out, PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    cwd: 'isolated',
    killGraceMs: 100,
    key: 'test',
  };
}

describe('isolated working directories', () => {
  it('gives each process its own empty directory and removes it after exit', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ccw-launch-'));
    const outs = [join(scratch, 'a'), join(scratch, 'b')];
    // One leaves a file behind (recursive removal), the other leaves the directory empty.
    const processes = outs.map((out, i) => spawnFromSpec(recordingSpec(out, i === 0)));
    const exits = await Promise.all(processes.map((p) => p.exited));
    expect(exits.map((e) => e.exitCode)).toEqual([0, 0]);

    const dirs = outs.map((out) => readFileSync(out, 'utf8').split('\n'));
    for (const [dir, ...listing] of dirs) {
      expect(dir?.startsWith(`${ISOLATED_ROOT}/run-`)).toBe(true);
      expect(listing.filter(Boolean)).toEqual([]); // nothing from an earlier run
    }
    expect(dirs[0]?.[0]).not.toBe(dirs[1]?.[0]);
    // Removed (with what the process wrote there) once it has exited.
    expect(await eventually(() => dirs.every(([dir]) => !existsSync(dir ?? '')))).toBe(true);
  });
});
