import { describe, expect, it } from 'vitest';
import { buildCliArgs } from './build-args.js';

describe('buildCliArgs', () => {
  it('always speaks stream-json both ways and never carries a prompt', () => {
    expect(buildCliArgs({})).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--input-format',
      'stream-json',
    ]);
  });

  it('maps every option to its CLI flag', () => {
    const args = buildCliArgs(
      {
        model: 'sonnet',
        fallbackModel: 'opus',
        systemPrompt: 'sys',
        appendSystemPrompt: 'app',
        maxTurns: 2,
        maxBudgetUsd: 0.25,
        effort: 'low',
        permissionMode: 'acceptEdits',
        allowedTools: ['Read', 'Bash(git:*)'],
        disallowedTools: ['Write'],
        tools: [],
        mcpConfig: { mcpServers: { a: { command: 'x' } } },
        strictMcpConfig: true,
        addDirs: ['/a', '/b'],
        settings: { x: 1 },
        jsonSchema: { type: 'object' },
        sessionPersistence: false,
        includePartialMessages: true,
        extraArgs: { '--betas': 'b1', '--bare': null },
      },
      { resume: '6f1c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e', fork: true },
    );
    const pairs = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    expect(pairs('--model')).toBe('sonnet');
    expect(pairs('--fallback-model')).toBe('opus');
    expect(pairs('--max-turns')).toBe('2');
    expect(pairs('--max-budget-usd')).toBe('0.25');
    expect(pairs('--effort')).toBe('low');
    expect(pairs('--permission-mode')).toBe('acceptEdits');
    expect(pairs('--allowedTools')).toBe('Read,Bash(git:*)');
    expect(pairs('--disallowedTools')).toBe('Write');
    expect(pairs('--tools')).toBe('');
    expect(JSON.parse(pairs('--mcp-config') ?? '')).toEqual({ mcpServers: { a: { command: 'x' } } });
    expect(args.filter((a) => a === '--add-dir')).toHaveLength(2);
    expect(pairs('--settings')).toBe('{"x":1}');
    // Caller text travels in the initialize request on stdin, never on argv.
    for (const flag of ['--system-prompt', '--append-system-prompt', '--json-schema']) {
      expect(args).not.toContain(flag);
    }
    expect(args.join(' ')).not.toMatch(/\bsys\b|\bapp\b/);
    expect(pairs('--resume')).toBe('6f1c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e');
    expect(pairs('--betas')).toBe('b1');
    for (const flag of [
      '--strict-mcp-config',
      '--no-session-persistence',
      '--include-partial-messages',
      '--fork-session',
      '--bare',
    ]) {
      expect(args).toContain(flag);
    }
  });

  it('resumes up to a message only when resuming', () => {
    const at = '0b7c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e';
    const args = buildCliArgs(
      {},
      { resume: '6f1c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e', resumeAt: at, fork: true },
    );
    expect(args[args.indexOf('--resume-session-at') + 1]).toBe(at);
    expect(buildCliArgs({}, { resumeAt: at })).not.toContain('--resume-session-at');
  });

  it('only forks when resuming', () => {
    expect(buildCliArgs({}, { fork: true })).not.toContain('--fork-session');
    expect(buildCliArgs({}, { continueLast: true })).toContain('--continue');
  });
});
