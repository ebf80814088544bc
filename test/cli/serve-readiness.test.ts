/**
 * `serve` says in one line, right after "listening", what will not work: no CLI binary, no login or
 * key (an empty HOME), a CLI version outside the tested range (the fake CLI is 9.9.9), or that all
 * is ready (the real CLI, found in this project's node_modules).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, createHarness, ensureBuilt, eventually, type CliHarness } from './helpers.js';

let h: CliHarness;
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness();
});
afterAll(async () => h.cleanup());

/** Start `serve`, wait for the line after "listening", stop it; the lines it printed. */
async function startUpLines(env: Record<string, string | undefined>): Promise<string[]> {
  const child = h.spawn(['serve', '--port', '0'], { env });
  child.stdin?.end();
  const done = collect(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const ready = await eventually(() => /listening on .*\n.+\n/.test(stderr), 15_000);
  child.kill('SIGTERM');
  await done;
  expect(ready, stderr).toBe(true);
  const lines = stderr.split('\n');
  return lines.slice(lines.findIndex((line) => line.includes('listening on')));
}

describe('serve start-up line', () => {
  it('says what will not work when there is no CLI and no login', async () => {
    const [listening, line] = await startUpLines({ CLAUDE_BINARY: '/nonexistent/claude' });
    expect(listening).toMatch(/^claude-code-wrapper proxy listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(line).toBe(
      'Not ready, requests will fail: no Claude Code CLI at /nonexistent/claude (set by claudeBinary / CLAUDE_BINARY); ' +
        'no Claude login or API key (run `claude` and /login, or set ANTHROPIC_API_KEY).',
    );
  });

  it('says a CLI outside the tested range may still work', async () => {
    const [, line] = await startUpLines({ ANTHROPIC_API_KEY: 'sk-test' });
    expect(line).toBe(
      `Ready, but Claude Code 9.9.9 is outside the tested range >=2.1.0 <3.0.0 (it may still work); CLI at ${h.fake.binary}, credentials: ANTHROPIC_API_KEY.`,
    );
  });

  it('says ready with the real CLI from node_modules and a key', async () => {
    const [, line] = await startUpLines({ CLAUDE_BINARY: undefined, ANTHROPIC_API_KEY: 'sk-test' });
    expect(line).toMatch(
      /^Ready: Claude Code 2\.\d+\.\d+ at \S+@anthropic-ai\/claude-code\S*, credentials: ANTHROPIC_API_KEY\.$/,
    );
  });
});
