import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, createHarness, ensureBuilt, eventually, isRunning, type CliHarness } from './helpers.js';

let h: CliHarness;
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness();
});
afterAll(async () => h.cleanup());

describe('claude-wrapper stream', () => {
  it('prints the text deltas as they arrive', async () => {
    const r = await h.run(['stream', 'hi'], {
      env: {
        FAKE_CLAUDE_SCENARIO: JSON.stringify({
          default: { kind: 'reply', chunks: ['one ', 'two ', 'three'] },
        }),
      },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'one two three\n' });
  });

  it('Ctrl-C kills the Claude Code CLI, prints "interrupted" and exits 130', async () => {
    const slow = {
      default: { kind: 'reply', chunks: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], chunkDelayMs: 400 },
    };
    const before = h.prompts().length;
    const child = h.spawn(['stream', 'count slowly'], {
      env: { FAKE_CLAUDE_SCENARIO: JSON.stringify(slow) },
    });
    child.stdin?.end();
    const done = collect(child);
    let seen = '';
    child.stdout?.on('data', (d: string) => (seen += d));
    // Interrupt once text is flowing, i.e. while the CLI is mid-answer.
    expect(await eventually(() => seen.length > 0, 15_000)).toBe(true);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('claude-wrapper: interrupted\n');
    expect(r.stdout.length).toBeLessThan(8);
    const cli = h.prompts().slice(before)[0];
    expect(cli).toBeDefined();
    expect(await eventually(() => !isRunning(cli?.pid ?? -1), 5_000)).toBe(true);
  });
});
