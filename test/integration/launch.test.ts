import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

  it('hands out the directory made ahead of time only once, empty, and removes an unused one at exit', () => {
    // A separate process with its own temp dir, so the root holds only what it made; it runs the
    // built library (npm test builds first).
    const tmp = mkdtempSync(join(tmpdir(), 'ccw-spare-'));
    const launch = new URL('../../dist/process/launch.js', import.meta.url).pathname;
    const script = `
      import { readdirSync, readFileSync } from 'node:fs';
      import { join } from 'node:path';
      import { ISOLATED_ROOT, spawnFromSpec } from ${JSON.stringify(launch)};
      const spec = (out) => ({ binary: '/bin/sh', args: ['-c', 'pwd > "$OUT"; ls -A >> "$OUT"; touch used'],
        env: { OUT: out, PATH: process.env.PATH }, cwd: 'isolated', killGraceMs: 100, key: 't' });
      const nextTurn = () => new Promise((r) => setImmediate(r));
      const seen = [];
      for (const name of ['a', 'b', 'c']) {
        const out = join(process.env.TMPDIR, name);
        await spawnFromSpec(spec(out)).exited;
        seen.push(readFileSync(out, 'utf8'));
        await nextTurn(); // the spare is made now
      }
      for (let i = 0; i < 100 && readdirSync(ISOLATED_ROOT).length > 1; i++) await new Promise((r) => setTimeout(r, 20));
      console.log(JSON.stringify({ seen, left: readdirSync(ISOLATED_ROOT) }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: tmp },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const { seen, left } = JSON.parse(child.stdout) as { seen: string[]; left: string[] };
    const dirs = seen.map((text) => text.split('\n'));
    // Three distinct directories, each empty when its process started (no `used` from an earlier run).
    expect(new Set(dirs.map(([dir]) => dir)).size).toBe(3);
    for (const [, ...listing] of dirs) expect(listing.filter(Boolean)).toEqual([]);
    // While running: the used directories are gone and one spare waits for the next spawn...
    expect(left).toHaveLength(1);
    expect(dirs.map(([dir]) => dir)).not.toContain(join(tmp, 'claude-code-wrapper', left[0] ?? ''));
    // ...and it is removed when the process exits.
    expect(readdirSync(join(tmp, 'claude-code-wrapper'))).toEqual([]);
    rmSync(tmp, { recursive: true, force: true });
  });
});
