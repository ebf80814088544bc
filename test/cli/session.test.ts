import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipAllUnless } from '../support/index.js';
import { createHarness, ensureBuilt, eventually, MAIN, type CliHarness } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

let h: CliHarness;
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness({ echoHistory: true });
});
afterAll(async () => h.cleanup());

describe('claude-wrapper session (piped)', () => {
  it('answers each stdin line in one conversation and runs slash commands', async () => {
    const save = join(h.dir, 'chat.json');
    const input = `my name is Ada\nwhat is my name?\n/cost\n/save ${save}\n/exit\nnot sent\n`;
    const r = await h.run(['session'], { input });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'fake reply 1 to: my name is Ada | previous: none',
      'fake reply 2 to: what is my name? | previous: my name is Ada',
    ]);
    expect(lines[2]).toMatch(
      /^cost: \$0\.0004 over 2 turns \(tokens: 24 in, 16 out\) · session [0-9a-f-]{36}$/,
    );
    expect(r.stdout).not.toContain('not sent');
    const saved = JSON.parse(readFileSync(save, 'utf8')) as { turns: { role: string }[] };
    expect(saved.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('chat --json prints one response per line and exits 1 when a turn failed', async () => {
    await h.fake.setScenario({
      echoHistory: true,
      turns: [{ kind: 'reply' }, { kind: 'api_error', status: 529 }],
    });
    try {
      const r = await h.run(['chat', '--json'], { input: 'first\nsecond\n' });
      expect(r.code).toBe(1);
      const [first, second] = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(first).toMatchObject({ isError: false, content: 'fake reply 1 to: first | previous: none' });
      expect(second).toMatchObject({ isError: true, errorType: 'overloaded_error' });
      expect(r.stderr).toContain('overloaded_error');
    } finally {
      await h.fake.setScenario({ echoHistory: true });
    }
  });
});

describe('claude-wrapper chat (interactive, through tmux)', () => {
  skipAllUnless(hasTmux, 'tmux not found (apt-get install tmux; .ci/run installs it)');
  it('keeps the conversation across turns, recalls history with Up, and handles /cost and /exit', async () => {
    const socket = `cw-cli-test-${process.pid}`;
    const tmux = (...args: string[]) =>
      spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const exitFile = join(h.dir, 'repl-exit');
    const script = join(h.dir, 'repl.sh');
    const exports = Object.entries(h.env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
      .join('\n');
    writeFileSync(
      script,
      `${exports}\ncd '${h.dir}'\n'${process.execPath}' '${MAIN}' chat\necho $? > '${exitFile}'\n`,
    );
    const screen = () => tmux('capture-pane', '-p', '-t', 'repl').stdout;
    const type = (text: string) => {
      tmux('send-keys', '-t', 'repl', '-l', text);
      tmux('send-keys', '-t', 'repl', 'Enter');
    };
    expect(tmux('new-session', '-d', '-s', 'repl', '-x', '160', '-y', '40', `sh '${script}'`).status).toBe(0);
    try {
      expect(await eventually(() => screen().includes('/help lists commands'), 15_000)).toBe(true);
      type('my name is Ada');
      expect(
        await eventually(() => screen().includes('fake reply 1 to: my name is Ada | previous: none')),
      ).toBe(true);
      type('what is my name?');
      expect(
        await eventually(() =>
          screen().includes('fake reply 2 to: what is my name? | previous: my name is Ada'),
        ),
      ).toBe(true);
      // readline history: Up recalls the last prompt.
      tmux('send-keys', '-t', 'repl', 'Up');
      tmux('send-keys', '-t', 'repl', 'Enter');
      expect(
        await eventually(() =>
          screen().includes('fake reply 3 to: what is my name? | previous: what is my name?'),
        ),
      ).toBe(true);
      type('/cost');
      expect(await eventually(() => /cost: \$0\.0006 over 3 turns/.test(screen()))).toBe(true);
      type('/exit');
      expect(
        await eventually(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== ''),
      ).toBe(true);
      expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    } finally {
      tmux('kill-server');
    }
  });
});
