import { describe, expect, it } from 'vitest';
import type { HealthReport } from './health-check.js';
import { readinessLine } from './readiness.js';

const healthy: HealthReport = {
  status: 'ok',
  binary: { found: true, path: '/opt/claude', version: '2.1.330', tested: true },
  credentials: { configured: true, source: 'ANTHROPIC_API_KEY' },
  problems: [],
  warnings: [],
};

describe('readinessLine', () => {
  it('says ready, with the CLI and where credentials come from', () => {
    expect(readinessLine(healthy)).toBe(
      'Ready: Claude Code 2.1.330 at /opt/claude, credentials: ANTHROPIC_API_KEY.',
    );
  });

  it('puts everything that will not work on one line, with how to fix it', () => {
    const line = readinessLine(
      {
        ...healthy,
        status: 'unhealthy',
        binary: { found: false, error: 'Claude Code CLI not found. Install the official CLI: ...' },
        credentials: { configured: false, source: 'none' },
      },
      'linux',
    );
    expect(line).toBe(
      'Not ready, requests will fail: no Claude Code CLI (npm install @anthropic-ai/claude-code, or set CLAUDE_BINARY); ' +
        'no Claude login or API key (run `claude` and /login, or set ANTHROPIC_API_KEY).',
    );
    expect(line).not.toContain('\n');
  });

  it('names a configured path that holds no CLI', () => {
    const line = readinessLine({
      ...healthy,
      status: 'unhealthy',
      binary: {
        found: false,
        error:
          'Claude Code CLI not found at /nope/claude (from CLAUDE_BINARY): no executable file there. Install ...',
      },
    });
    expect(line).toBe(
      'Not ready, requests will fail: no Claude Code CLI at /nope/claude (set by claudeBinary / CLAUDE_BINARY).',
    );
  });

  it('warns about a CLI version outside the tested range without calling it broken', () => {
    const untested = { ...healthy, binary: { ...healthy.binary, version: '9.9.9', tested: false } };
    expect(readinessLine(untested)).toBe(
      'Ready, but Claude Code 9.9.9 is outside the tested range >=2.1.0 <3.0.0 (it may still work); CLI at /opt/claude, credentials: ANTHROPIC_API_KEY.',
    );
    expect(
      readinessLine({ ...untested, credentials: { configured: false, source: 'none' } }, 'linux'),
    ).toMatch(
      /^Not ready, requests will fail: no Claude login .*\. Also, Claude Code 9\.9\.9 is outside the tested range >=2\.1\.0 <3\.0\.0\.$/,
    );
  });

  it('on macOS, says that a Keychain login needs the deep check', () => {
    const line = readinessLine({ ...healthy, credentials: { configured: false, source: 'none' } }, 'darwin');
    expect(line).toContain('a Keychain login is checked by `claude-wrapper health --deep`');
  });

  it('reports a failed deep check', () => {
    const line = readinessLine({
      ...healthy,
      status: 'unhealthy',
      deep: { ok: false, outcome: 'key_rejected', latencyMs: 300, error: 'Invalid API key (HTTP 401)' },
      problems: ['The API rejected the credentials (Invalid API key (HTTP 401)): log in again.'],
    });
    expect(line).toBe(
      'Not ready, requests will fail: The API rejected the credentials (Invalid API key (HTTP 401)): log in again.',
    );
  });
});
