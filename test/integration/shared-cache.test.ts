/**
 * The file cache (LMDB) under several library processes, and a cache that cannot open.
 * - Two scripts using ClaudeCodeWrapper with the same cache directory run side by side: both
 *   work, and an answer cached by one is a hit in the other. (The former LevelDB store let only
 *   one process open it: the second script's runs failed.)
 * - A cache directory that cannot be created never fails a run: runs go on uncached and the log
 *   says why once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { open } from 'lmdb';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeCodeWrapper } from '../../src/index.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { eventually } from './helpers.js';

/** The built package entry (npm test builds before vitest): what a user's script imports. */
const PACKAGE = new URL('../../dist/index.js', import.meta.url).pathname;

let fake: FakeClaude | undefined;
const roots: string[] = [];
afterEach(async () => {
  await fake?.cleanup();
  fake = undefined;
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'ccw-shared-cache-'));
  roots.push(root);
  return root;
}

/**
 * A user's script in its own process: a wrapper with the file cache at `cachePath`, running each
 * prompt it reads on stdin and printing `{ prompt, cached, text }`; warnings go to stderr.
 */
function libraryProcess(cachePath: string, fakeCli: FakeClaude) {
  const script = `
    import { createInterface } from 'node:readline';
    import { ClaudeCodeWrapper } from ${JSON.stringify(PACKAGE)};
    const claude = new ClaudeCodeWrapper({
      claudeBinary: process.env.BIN,
      env: JSON.parse(process.env.FAKE_ENV),
      logLevel: 'warn',
      cache: { ttlMs: 600000, store: 'file', path: process.env.CACHE_PATH },
    });
    for await (const prompt of createInterface({ input: process.stdin })) {
      const response = await claude.run(prompt);
      console.log(JSON.stringify({ prompt, cached: response.cached === true, text: response.text, isError: response.isError }));
    }
    await claude.close();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      BIN: fakeCli.binary,
      FAKE_ENV: JSON.stringify(fakeCli.env),
      CACHE_PATH: cachePath,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const answers = () =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { prompt: string; cached: boolean; text: string; isError: boolean });
  return {
    /** Run `prompt` in that process and resolve with its answer. */
    async ask(prompt: string) {
      const before = answers().length;
      child.stdin.write(`${prompt}\n`);
      const done = await eventually(() => answers().length > before, 20_000);
      if (!done) throw new Error(`no answer to ${prompt}: ${stderr}`);
      return answers().at(-1)!;
    },
    async end() {
      child.stdin.end();
      return { code: await exited, stderr };
    },
  };
}

/** Entries in the cache at `path`, read by this (third) process. */
function entries(path: string): number {
  const db = open(path, { readOnly: true, cache: false });
  try {
    return db.getKeysCount();
  } finally {
    void db.close();
  }
}

describe('file cache shared by two library processes', () => {
  it('both run, and an answer cached by one is a hit in the other', async () => {
    fake = await withFakeClaude();
    const cachePath = join(tempRoot(), 'cache');
    const [one, two] = [libraryProcess(cachePath, fake), libraryProcess(cachePath, fake)];

    expect(await one.ask('first question')).toMatchObject({ cached: false, isError: false });
    // Both processes have the cache open from here on.
    expect(await two.ask('second question')).toMatchObject({ cached: false, isError: false });
    // Stored just after each answer: wait for both entries, then ask each the other's question.
    expect(await eventually(() => entries(cachePath) >= 2)).toBe(true);
    const hitInTwo = await two.ask('first question');
    const hitInOne = await one.ask('second question');
    expect(hitInTwo).toMatchObject({ cached: true, isError: false });
    expect(hitInOne).toMatchObject({ cached: true, isError: false });
    // Two CLI runs for four answers.
    expect(fake.invocations().filter((run) => !run.argv.includes('--version'))).toHaveLength(2);

    for (const { code, stderr } of await Promise.all([one.end(), two.end()])) {
      expect(code).toBe(0);
      expect(stderr).toBe('');
    }
  }, 40_000);
});

describe('a file cache that cannot open', () => {
  it('never fails a run: runs go on uncached, and the log says why once', async () => {
    fake = await withFakeClaude();
    const root = tempRoot();
    const blocker = join(root, 'blocker');
    // A file where the cache's parent directory should be: fails for root too, like a full disk.
    writeFileSync(blocker, 'not a directory');
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(JSON.parse(text) as Record<string, unknown>);
        }
        done();
      },
    });
    const wrapper = new ClaudeCodeWrapper(
      {
        claudeBinary: fake.binary,
        env: fake.env,
        killGraceMs: 300,
        cache: { ttlMs: 600_000, store: 'file', path: join(blocker, 'cache') },
      },
      { logger: pino({ level: 'warn' }, sink) },
    );
    try {
      for (const prompt of ['one', 'two', 'one']) {
        const response = await wrapper.run(prompt);
        expect(response.isError).toBe(false);
        expect(response.cached).not.toBe(true);
      }
      // Every answer was computed: the repeated prompt too.
      expect(fake.invocations().filter((run) => !run.argv.includes('--version'))).toHaveLength(3);
      const failures = lines.filter((line) => /^cache_store_/.test(String(line['event'])));
      expect(failures).toHaveLength(1);
      expect(String(failures[0]?.['message'])).toContain(join(blocker, 'cache'));
    } finally {
      await wrapper.close();
    }
  });
});
