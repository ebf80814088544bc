import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeRequest } from '../integration/initialize-request.js';
import { createHarness, ensureBuilt, jsonLines, type CliHarness } from './helpers.js';

let h: CliHarness;
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness();
});
afterAll(async () => h.cleanup());

const SESSION = '0b7c6c1e-6f87-4c55-9a8e-4f7c2d3b1a90';

describe('claude-wrapper ask', () => {
  it('prints the answer to a prompt given as words', async () => {
    const r = await h.run(['ask', 'hello', 'world']);
    expect(r).toMatchObject({ code: 0, stdout: 'fake reply 1 to: hello world\n' });
  });

  it('reads the prompt from stdin with "-"', async () => {
    const r = await h.run(['ask', '-'], { input: 'from a pipe\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'fake reply 1 to: from a pipe\n' });
  });

  it('--json prints the full response with a stable shape', async () => {
    const r = await h.run(['ask', '--json', 'hi']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(
      [
        'apiErrorStatus',
        'content',
        'costUsd',
        'durationApiMs',
        'durationMs',
        'errorSubtype',
        'errorType',
        'errors',
        'executionTimeMs',
        'isError',
        'model',
        'numTurns',
        'permissionDenials',
        'sessionCostUsd',
        'sessionId',
        'stopReason',
        'structuredOutput',
        'usage',
      ].sort(),
    );
    expect(json).toMatchObject({
      content: 'fake reply 1 to: hi',
      isError: false,
      errorType: null,
      costUsd: 0.000208,
      usage: { inputTokens: 12, outputTokens: 8 },
    });
    expect(json['sessionId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('--format stream-json prints one typed event per line, ending with the result', async () => {
    const r = await h.run(['ask', '--format', 'stream-json', 'hi']);
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    const types = events.map((e) => e['type']);
    expect(types[0]).toBe('session_start');
    expect(types).toContain('text_delta');
    expect(events.at(-1)).toMatchObject({ type: 'result', response: { content: 'fake reply 1 to: hi' } });
    // The CLI's raw line is not part of the stable output.
    expect(events.every((e) => !('message' in e))).toBe(true);
  });

  it('passes the run flags to the Claude Code CLI', async () => {
    const before = h.prompts().length;
    const r = await h.run([
      'ask',
      '--model',
      'sonnet',
      '--system',
      'Be brief.',
      '--append-system',
      'Extra.',
      '--tools',
      '',
      '--allowed-tools',
      'Read,Bash(git diff:*)',
      '--max-turns',
      '2',
      '--resume',
      SESSION,
      'hi',
    ]);
    expect(r.code).toBe(0);
    const invocation = h.prompts().slice(before)[0];
    const argv = invocation?.argv ?? [];
    const after = (flag: string) => argv[argv.indexOf(flag) + 1];
    expect(after('--model')).toBe('sonnet');
    // System prompt texts are the caller's words: they go in the initialize request on stdin.
    expect(initializeRequest(invocation)).toMatchObject({
      systemPrompt: 'Be brief.',
      appendSystemPrompt: 'Extra.',
    });
    expect(argv.join(' ')).not.toContain('Be brief.');
    expect(after('--tools')).toBe('');
    expect(argv.join(' ')).toContain('Read');
    expect(argv.join(' ')).toContain('Bash(git diff:*)');
    expect(after('--max-turns')).toBe('2');
    expect(after('--resume')).toBe(SESSION);
    // The prompt travels on stdin, never on argv.
    expect(argv).not.toContain('hi');
  });

  it('--json-schema prints the structured output', async () => {
    const schema = join(h.dir, 'schema.json');
    writeFileSync(schema, JSON.stringify({ type: 'object', properties: { name: { type: 'string' } } }));
    await h.fake.setScenario({ default: { kind: 'reply', structured: { name: 'Ada' } } });
    try {
      const r = await h.run(['ask', '--json-schema', schema, 'invent a person']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ name: 'Ada' });
    } finally {
      await h.fake.setScenario({});
    }
  });

  it('exits 1 with one line on stderr when the run fails (--json still prints the response)', async () => {
    const r = await h.run(['ask', '--json', 'hi'], {
      env: { FAKE_CLAUDE_SCENARIO: JSON.stringify({ default: { kind: 'api_error', status: 500 } }) },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      isError: true,
      errorType: 'api_error',
      apiErrorStatus: 500,
    });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^claude-wrapper: Claude Code run failed \(api_error, HTTP 500\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--verbose adds the error code to a failure', async () => {
    const r = await h.run(['--verbose', 'ask', 'hi'], {
      env: { FAKE_CLAUDE_SCENARIO: JSON.stringify({ default: { kind: 'api_error', status: 429 } }) },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('code: RATE_LIMITED');
  });

  it('exits 2 for a bad flag, a bad flag value, an empty prompt or an invalid config', async () => {
    const [unknown, badValue, empty, badConfig] = await Promise.all([
      h.run(['ask', '--bogus', 'hi']),
      h.run(['ask', '--max-turns', 'many', 'hi']),
      h.run(['ask', '-'], { input: '  \n' }),
      h.run(['ask', 'hi'], { env: { CLAUDE_TIMEOUT_MS: '-5' } }),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("claude-wrapper: unknown option '--bogus' (see --help)\n");
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('--max-turns');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('empty');
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/CLAUDE_TIMEOUT_MS -> timeoutMs/);
    for (const r of [unknown, badValue, empty, badConfig])
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
