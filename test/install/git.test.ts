/**
 * Install path 2: `npm install <git url>` (here `git+file://` of a clone of HEAD). The repository
 * holds no dist/, so npm installs the clone's dev dependencies in a temporary copy and runs its
 * `prepare` script (scripts/build.mjs --if-stale), which compiles it; the package it installs then
 * works like the tarball. The slowest install path (the dev dependencies), about a minute.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyProject, NPM_FLAGS, PACKAGE, ROOT, runOk, tempDir, VERSION } from './helpers.js';

const tmp = tempDir('git');
const repo = join(tmp.path, 'repo');
const project = join(tmp.path, 'project');

beforeAll(() => {
  runOk('git', ['clone', '--quiet', ROOT, repo], tmp.path);
  emptyProject(project);
  runOk('npm', ['install', `git+${pathToFileURL(repo).href}`, ...NPM_FLAGS], project);
}, 300_000);
afterAll(() => tmp.cleanup());

describe('npm install <git url>', () => {
  it('installs a built package: dist/ without the sources or the build stamp', () => {
    const installed = join(project, 'node_modules', PACKAGE);
    expect(existsSync(join(installed, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'dist', '.build-stamp'))).toBe(false);
  });

  it('imports as ESM and runs npx claude-wrapper --version', () => {
    const script = `import { ClaudeCodeWrapper } from 'claude-code-wrapper'; console.log(typeof ClaudeCodeWrapper);`;
    expect(runOk(process.execPath, ['--input-type=module', '-e', script], project).stdout.trim()).toBe(
      'function',
    );
    expect(runOk('npx', ['--no', '--', 'claude-wrapper', '--version'], project).stdout.trim()).toBe(VERSION);
  });
});
