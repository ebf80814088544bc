import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeConfigurationError } from '../core/errors/index.js';
import { findClaudeBinary } from './find-binary.js';

function fakeExecutable(name = 'claude'): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ccw-bin-'));
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return { dir, path };
}

describe('findClaudeBinary', () => {
  it('prefers the option, then CLAUDE_BINARY, then PATH', () => {
    const a = fakeExecutable();
    const b = fakeExecutable();
    const c = fakeExecutable();
    expect(findClaudeBinary(a.path, { CLAUDE_BINARY: b.path, PATH: c.dir })).toEqual({
      path: a.path,
      source: 'option',
    });
    expect(findClaudeBinary(undefined, { CLAUDE_BINARY: b.path, PATH: c.dir })).toEqual({
      path: b.path,
      source: 'env',
    });
    expect(findClaudeBinary(undefined, { PATH: `/nonexistent:${c.dir}` })).toEqual({
      path: c.path,
      source: 'path',
    });
  });

  it('falls back to the @anthropic-ai/claude-code package', () => {
    const found = findClaudeBinary(undefined, { PATH: '/nonexistent' });
    expect(found.source).toBe('package');
    expect(found.path).toMatch(/claude/);
  });

  it('explains how to install when an explicit path is wrong', () => {
    try {
      findClaudeBinary('/nonexistent/claude', {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ClaudeCodeConfigurationError);
      expect((error as ClaudeCodeConfigurationError).code).toBe('BINARY_NOT_FOUND');
      expect((error as Error).message).toMatch(/npm install -g @anthropic-ai\/claude-code/);
    }
  });

  it('skips non-executable files on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccw-bin-'));
    writeFileSync(join(dir, 'claude'), 'not executable');
    expect(findClaudeBinary(undefined, { PATH: dir }).source).toBe('package');
  });
});
