import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTestedCliVersion, TESTED_CLI_RANGE } from './cli-version.js';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

describe('TESTED_CLI_RANGE', () => {
  it('is the optional peer dependency range in package.json', () => {
    expect(manifest.peerDependencies?.['@anthropic-ai/claude-code']).toBe(TESTED_CLI_RANGE);
    expect(manifest.peerDependenciesMeta?.['@anthropic-ai/claude-code']).toEqual({ optional: true });
  });

  it('holds the version the test suite runs (the devDependency)', () => {
    const tested = manifest.devDependencies['@anthropic-ai/claude-code']?.replace(/^[\^~]/, '') ?? '';
    expect(isTestedCliVersion(tested)).toBe(true);
  });

  it('reads what `claude --version` prints', () => {
    expect(isTestedCliVersion('2.1.330 (Claude Code)')).toBe(true);
    expect(isTestedCliVersion('2.1.0')).toBe(true);
    expect(isTestedCliVersion('2.0.99 (Claude Code)')).toBe(false);
    expect(isTestedCliVersion('3.0.0 (Claude Code)')).toBe(false);
    expect(isTestedCliVersion('9.9.9 (Claude Code)')).toBe(false);
    expect(isTestedCliVersion('unknown')).toBeUndefined();
  });
});
