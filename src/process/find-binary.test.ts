import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaudeCodeConfigurationError } from '../core/errors/index.js';
import { findClaudeBinary } from './find-binary.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function fakeExecutable(name = 'claude', dir = temp('ccw-bin-')) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return { dir, path };
}

function writePackage(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '2.1.330' }));
}

/** A project with `@anthropic-ai/claude-code` (and optionally its platform package) installed. */
function projectWithCli(layout: { platform: 'hoisted' | 'nested' | 'none'; postinstall: boolean }) {
  const project = temp('ccw-project-');
  const main = join(project, 'node_modules', '@anthropic-ai', 'claude-code');
  writePackage(main, '@anthropic-ai/claude-code');
  mkdirSync(join(main, 'bin'));
  const placeholder = join(main, 'bin', 'claude.exe');
  writeFileSync(placeholder, 'placeholder');
  if (layout.postinstall) chmodSync(placeholder, 0o755);
  const platformName = `claude-code-${process.platform}-${process.arch}`;
  const platformDir =
    layout.platform === 'hoisted'
      ? join(project, 'node_modules', '@anthropic-ai', platformName)
      : join(main, 'node_modules', '@anthropic-ai', platformName);
  if (layout.platform !== 'none') {
    writePackage(platformDir, `@anthropic-ai/${platformName}`);
    fakeExecutable('claude', platformDir);
  }
  return { project, placeholder, platformBinary: join(platformDir, 'claude') };
}

const emptyDir = () => temp('ccw-nothing-');

describe('findClaudeBinary', () => {
  it('prefers the option, then CLAUDE_BINARY, then the project package, then PATH', () => {
    const a = fakeExecutable();
    const b = fakeExecutable();
    const c = fakeExecutable();
    const { project, platformBinary } = projectWithCli({ platform: 'hoisted', postinstall: true });
    const env = { CLAUDE_BINARY: b.path, PATH: c.dir };
    expect(findClaudeBinary(a.path, env, { resolveFrom: project })).toEqual({
      path: a.path,
      source: 'option',
    });
    expect(findClaudeBinary(undefined, env, { resolveFrom: project })).toEqual({
      path: b.path,
      source: 'env',
    });
    expect(findClaudeBinary(undefined, { PATH: c.dir }, { resolveFrom: project })).toEqual({
      path: platformBinary,
      source: 'package',
    });
    expect(
      findClaudeBinary(undefined, { PATH: `/nonexistent:${c.dir}` }, { resolveFrom: emptyDir() }),
    ).toEqual({
      path: c.path,
      source: 'path',
    });
  });

  it("finds the platform binary hoisted or nested, even when the package's postinstall did not run", () => {
    for (const platform of ['hoisted', 'nested'] as const) {
      const { project, platformBinary } = projectWithCli({ platform, postinstall: false });
      expect(findClaudeBinary(undefined, { PATH: '' }, { resolveFrom: project })).toEqual({
        path: platformBinary,
        source: 'package',
      });
    }
  });

  it("uses the package's bin/claude.exe when no platform package is there", () => {
    const { project, placeholder } = projectWithCli({ platform: 'none', postinstall: true });
    expect(findClaudeBinary(undefined, { PATH: '' }, { resolveFrom: project }).path).toBe(placeholder);
  });

  it("by default resolves the package from this library's own location", () => {
    // This repository has the CLI as a devDependency, as a project depending on both would.
    const found = findClaudeBinary(undefined, { PATH: '/nonexistent' });
    expect(found.source).toBe('package');
    expect(found.path).toMatch(/@anthropic-ai\/claude-code/);
  });

  it('explains how to install when an explicit path is wrong', () => {
    try {
      findClaudeBinary('/nonexistent/claude', {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ClaudeCodeConfigurationError);
      expect((error as ClaudeCodeConfigurationError).code).toBe('BINARY_NOT_FOUND');
      expect((error as Error).message).toMatch(/npm install @anthropic-ai\/claude-code/);
    }
  });

  it('skips non-executable files on PATH and says how to install when nothing is found', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'claude'), 'not executable');
    expect(() => findClaudeBinary(undefined, { PATH: dir }, { resolveFrom: emptyDir() })).toThrow(
      /Claude Code CLI not found\. Install the official CLI/,
    );
  });
});
