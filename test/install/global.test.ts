/**
 * Install path 3: `npm install -g` puts `claude-wrapper` on PATH (here under a temporary
 * `--prefix`); and the one-off `npx --package=<tarball> claude-wrapper`, with no project at all.
 */
import { readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NPM_FLAGS, packInto, run, runOk, tempDir, userEnv, VERSION } from './helpers.js';

const tmp = tempDir('global');
const prefix = join(tmp.path, 'global');
const home = join(tmp.path, 'home');
let tarball = '';

beforeAll(() => {
  tarball = packInto(tmp.path);
  runOk('npm', ['install', '-g', '--prefix', prefix, tarball, ...NPM_FLAGS], tmp.path);
}, 180_000);
afterAll(() => tmp.cleanup());

describe('npm install -g', () => {
  const env = () => {
    const base = userEnv({ HOME: home });
    return { ...base, PATH: `${join(prefix, 'bin')}${delimiter}${base['PATH'] ?? ''}` };
  };

  it('puts claude-wrapper on PATH', () => {
    expect(runOk('claude-wrapper', ['--version'], tmp.path, env()).stdout.trim()).toBe(VERSION);
  });

  it('runs health there, which says the CLI is missing and how to get it', () => {
    const result = run('claude-wrapper', ['health'], tmp.path, env());
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^binary: +not found$/m);
    expect(result.stdout).toContain('npm install @anthropic-ai/claude-code');
  });
});

describe('npx --package=<tarball> claude-wrapper', () => {
  it('runs without any project', () => {
    // npx installs into npm's cache (_npx/<hash>); remove what this test added there.
    const npxCache = join(runOk('npm', ['config', 'get', 'cache'], tmp.path).stdout.trim(), '_npx');
    const before = new Set(entries(npxCache));
    try {
      const result = runOk(
        'npx',
        ['--yes', ...NPM_FLAGS, `--package=${tarball}`, 'claude-wrapper', '--version'],
        tmp.path,
      );
      expect(result.stdout.trim()).toBe(VERSION);
    } finally {
      for (const entry of entries(npxCache)) {
        if (!before.has(entry)) rmSync(join(npxCache, entry), { recursive: true, force: true });
      }
    }
  });
});

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
