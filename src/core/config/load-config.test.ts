import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeConfigurationError, ClaudeCodeValidationError } from '../errors/index.js';
import { loadConfig } from './load-config.js';
import { configSchema } from './schema.js';
import { parseOrThrow } from './validate.js';

function tempFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccw-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, content);
  return file;
}

describe('loadConfig', () => {
  it('reads the file named by CLAUDE_CONFIG_PATH, then lets env override it', () => {
    const file = tempFile(JSON.stringify({ model: 'opus', timeoutMs: 1000, allowedTools: ['Read'] }));
    const config = loadConfig({
      env: { CLAUDE_CONFIG_PATH: file, CLAUDE_MODEL: 'sonnet', CLAUDE_DISALLOWED_TOOLS: 'Bash, Write' },
    });
    expect(config).toEqual({
      model: 'sonnet',
      timeoutMs: 1000,
      allowedTools: ['Read'],
      disallowedTools: ['Bash', 'Write'],
    });
  });

  it('names the environment variable and value when one is invalid', () => {
    expect(() => loadConfig({ env: { CLAUDE_TIMEOUT_MS: 'soon' } })).toThrow(
      /environment variable CLAUDE_TIMEOUT_MS -> \.?timeoutMs.*received NaN|CLAUDE_TIMEOUT_MS/,
    );
    try {
      loadConfig({ env: { CLAUDE_PERMISSION_MODE: 'yolo' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ClaudeCodeValidationError);
      expect((error as ClaudeCodeValidationError).value).toBe('yolo');
      expect((error as Error).message).toContain('CLAUDE_PERMISSION_MODE');
    }
  });

  it('reports unreadable and malformed files as configuration errors', () => {
    expect(() => loadConfig({ file: '/nonexistent/ccw.json', env: {} })).toThrow(
      ClaudeCodeConfigurationError,
    );
    expect(() => loadConfig({ file: tempFile('{ nope'), env: {} })).toThrow(/not valid JSON/);
  });

  it('rejects unknown keys in the file, with a hint for common renames', () => {
    const file = tempFile(JSON.stringify({ cwd: '/tmp' }));
    expect(() => loadConfig({ file, env: {} })).toThrow(/cwd.*did you mean workingDirectory/);
  });
});

describe('configSchema validation', () => {
  it('names nested fields and the value', () => {
    try {
      parseOrThrow(configSchema, { allowedTools: ['Read', ''] }, 'config');
      expect.unreachable();
    } catch (error) {
      const e = error as ClaudeCodeValidationError;
      expect(e.field).toBe('config.allowedTools[1]');
      expect(e.value).toBe('');
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.isRetryable).toBe(false);
    }
  });

  it('accepts every documented field', () => {
    const config = parseOrThrow(configSchema, {
      claudeBinary: '/usr/bin/claude',
      timeoutMs: 1,
      idleTimeoutMs: 0,
      killGraceMs: 10,
      model: 'sonnet',
      fallbackModel: 'opus',
      systemPrompt: 'x',
      appendSystemPrompt: 'y',
      maxTurns: 3,
      allowedTools: ['Read'],
      disallowedTools: ['Bash'],
      tools: [],
      mcpConfig: { mcpServers: {} },
      strictMcpConfig: true,
      permissionMode: 'plan',
      workingDirectory: '/tmp',
      addDirs: ['/var'],
      env: { A: 'b' },
      settings: '/tmp/settings.json',
      maxBudgetUsd: 0.5,
      jsonSchema: { type: 'object' },
      sessionPersistence: false,
      includePartialMessages: true,
      effort: 'high',
      throwOnError: true,
      cliMaxRetries: 0,
      extraArgs: { '--betas': 'x', '--bare': null },
      logLevel: 'debug',
      maxRetries: 2,
      retryDelayMs: 100,
      retryBackoffFactor: 2,
      maxRetryDelayMs: 1000,
      enableMetrics: false,
      metricsWindow: 10,
    });
    expect(config.permissionMode).toBe('plan');
  });
});
