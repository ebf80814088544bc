import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TranslatedRequest } from '../compat/anthropic/translate-request.js';
import type { CliProcess, ExitInfo } from '../process/cli-process.js';
import { decodeSessionPoint } from '../session/session-point.js';
import { MemorySessionStore } from '../session/session-store.js';
import { SharedTranscripts } from '../session/shared-transcripts.js';
import { MemoryKeyValueStore } from '../storage/key-value-store.js';
import { ConversationAffinity } from './conversation-affinity.js';
import { ProcessHolder } from './process-holder.js';
import { KeptProcessDonor } from './kept-process-donor.js';

/** A stand-in for an idle CLI process. */
function fakeCli(): CliProcess & { closed: boolean } {
  let exit!: (info: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((resolve) => (exit = resolve));
  const cli = {
    pid: undefined,
    isAlive: true,
    closed: false,
    exited,
    close: () => {
      cli.closed = true;
      cli.isAlive = false;
      exit({ exitCode: 0, signal: null });
      return exited;
    },
    terminate: () => cli.close(),
  };
  return cli as unknown as CliProcess & { closed: boolean };
}

const request = {
  runOptions: { model: 'sonnet', tools: [] },
  tools: undefined,
} as unknown as TranslatedRequest;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccw-donor-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The uuid of the user (`u`) or assistant (`a`) message of session `n`. */
const uuid = (n: string, kind: 'u' | 'a') =>
  `${kind === 'u' ? 'aaaaaaaa' : 'bbbbbbbb'}-0000-4000-8000-${n.padStart(12, '0')}`;

/** A session file holding one answered turn (user `uuid(n, 'u')` → assistant `uuid(n, 'a')`). */
async function session(n: string): Promise<{ path: string; sessionId: string }> {
  const sessionId = `${n}0000000-0000-4000-8000-000000000000`.slice(0, 36);
  const path = join(dir, `${sessionId}.jsonl`);
  const rows = [
    { type: 'user', uuid: uuid(n, 'u'), parentUuid: null, sessionId, message: { content: `question ${n}` } },
    {
      type: 'assistant',
      uuid: uuid(n, 'a'),
      parentUuid: uuid(n, 'u'),
      sessionId,
      message: { content: `answer ${n}` },
    },
  ];
  await writeFile(path, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  return { path, sessionId };
}

/**
 * Keep `cli`, started fresh from launch spec `launchKey` (null: started with --resume), for the
 * conversation `key` of session `n`.
 */
async function keep(
  affinity: ConversationAffinity,
  key: string,
  n: string,
  cli: CliProcess,
  launchKey: string | null = 'L',
) {
  const { path, sessionId } = await session(n);
  const holder = new ProcessHolder();
  holder.keep(cli, launchKey ?? undefined);
  affinity.keep(holder, request, key, { sessionId, atMessage: uuid(n, 'a') }, path);
  return { path, sessionId };
}

const settings = { maxProcesses: 2, maxIdleMs: 60_000, maxMemoryBytes: 64 * 1024 ** 3 };

describe('KeptProcessDonor', () => {
  it('gives up the least recently kept process and moves its conversation to a copy of its session', async () => {
    const affinity = new ConversationAffinity(settings);
    const store = new MemorySessionStore();
    const shared = new MemoryKeyValueStore();
    const donor = new KeptProcessDonor(affinity, { store, transcripts: new SharedTranscripts(shared) });
    const [first, second] = [fakeCli(), fakeCli()];
    const original = await keep(affinity, 'conversation-1', '1', first);
    await keep(affinity, 'conversation-2', '2', second);
    // Two kept: a third would end the first anyway.
    expect(donor.spare('L')).toBe(1);
    expect(donor.spare('other launch spec')).toBe(0);

    const donated = await donor.donate('L');
    expect(donated).toEqual({ cli: first, rewindTo: uuid('1', 'u') });
    expect(first.closed).toBe(false);
    await affinity.moved('conversation-1');
    const moved = decodeSessionPoint((await store.get('conversation-1')) ?? '');
    expect(moved.atMessage).toBe(uuid('1', 'a'));
    expect(moved.sessionId).not.toBe(original.sessionId);
    const copy = (await readFile(join(dir, `${moved.sessionId}.jsonl`), 'utf8')).trim().split('\n');
    expect(copy.map((line) => (JSON.parse(line) as { sessionId: string }).sessionId)).toEqual([
      moved.sessionId,
      moved.sessionId,
    ]);
    // The copy is shared with the other replicas under its own id.
    const stored = await shared.get(moved.sessionId);
    const unpacked = await promisify(gunzip)(Buffer.from(stored ?? '', 'base64'));
    expect(unpacked.toString()).toContain('answer 1');
    // The original file is left to the process, which goes on writing to it.
    expect(await readFile(original.path, 'utf8')).toContain(original.sessionId);
    expect(affinity.stats()).toMatchObject({ kept: 1, reused: 1 });

    // The only one left is not given up, but while the first serves another conversation (and
    // will be kept again) it counts: keeping one more would end the second.
    expect(await donor.donate('L')).toBeUndefined();
    expect(donor.spare('L')).toBe(1);
    await first.close();
    expect(donor.spare('L')).toBe(0);
  });

  it('leaves a process kept when its conversation is not in its session file yet', async () => {
    const affinity = new ConversationAffinity(settings);
    const store = new MemorySessionStore();
    const donor = new KeptProcessDonor(affinity, { store });
    const [first, second] = [fakeCli(), fakeCli()];
    const { path } = await keep(affinity, 'conversation-1', '1', first);
    await keep(affinity, 'conversation-2', '2', second);
    await writeFile(path, '');
    expect(await donor.donate('L')).toBeUndefined();
    expect(affinity.stats()).toMatchObject({ kept: 2, reused: 0 });
    expect(first.closed).toBe(false);
    // Processes started with --resume (no launch key) are never given up.
    const resumed = new ConversationAffinity(settings);
    await keep(resumed, 'a', '3', fakeCli(), null);
    await keep(resumed, 'b', '4', fakeCli(), null);
    expect(await new KeptProcessDonor(resumed, { store }).donate('L')).toBeUndefined();
    // Nor are processes that had Claude Code's own tools on (they may have changed files).
    const withTools = new ConversationAffinity(settings);
    for (const n of ['5', '6']) {
      const { path, sessionId } = await session(n);
      const holder = new ProcessHolder();
      holder.keep(fakeCli(), 'L');
      const toolsOn = { runOptions: { model: 'sonnet' }, tools: undefined } as unknown as TranslatedRequest;
      withTools.keep(holder, toolsOn, `k${n}`, { sessionId, atMessage: uuid(n, 'a') }, path);
    }
    expect(await new KeptProcessDonor(withTools, { store }).donate('L')).toBeUndefined();
  });

  it('makes the next turn of a conversation being moved wait until the map names its copy', async () => {
    const affinity = new ConversationAffinity(settings);
    const store = new MemorySessionStore();
    // A slow store (a disk under load): the copy is mapped well after the process was given up.
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    const set = store.set.bind(store);
    store.set = async (key, value) => {
      await blocked;
      await set(key, value);
    };
    const donor = new KeptProcessDonor(affinity, { store });
    const original = await keep(affinity, 'conversation-1', '1', fakeCli());
    await keep(affinity, 'conversation-2', '2', fakeCli());
    expect(await donor.donate('L')).toBeDefined();
    let moved = false;
    const waiting = affinity.moved('conversation-1').then(() => (moved = true));
    await affinity.moved('conversation-2'); // not being moved: resolves at once
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(moved).toBe(false);
    unblock();
    await waiting;
    const point = decodeSessionPoint((await store.get('conversation-1')) ?? '');
    expect(point.sessionId).not.toBe(original.sessionId);
    expect(point.atMessage).toBe(uuid('1', 'a'));
  });

  it('reports a conversation it could not move; the process is given up all the same', async () => {
    const affinity = new ConversationAffinity(settings);
    const failing = new MemorySessionStore();
    failing.set = () => Promise.reject(new Error('store down'));
    const errors: unknown[] = [];
    const donor = new KeptProcessDonor(affinity, { store: failing, onError: (error) => errors.push(error) });
    const first = fakeCli();
    await keep(affinity, 'conversation-1', '1', first);
    await keep(affinity, 'conversation-2', '2', fakeCli());
    expect((await donor.donate('L'))?.cli).toBe(first);
    await affinity.moved('conversation-1');
    expect(errors).toEqual([new Error('store down')]);
  });

  it('lets a process ended by the count bound, or answered again by another, serve the next conversation', async () => {
    const affinity = new ConversationAffinity({ ...settings, maxProcesses: 1 });
    const store = new MemorySessionStore();
    const donor = new KeptProcessDonor(affinity, { store });
    const [first, second, third] = [fakeCli(), fakeCli(), fakeCli()];
    await keep(affinity, 'conversation-1', '1', first);
    expect(donor.spare('L')).toBe(0);
    // Keeping the second ends the first's turn as the kept one: it waits, free, instead of ending.
    await keep(affinity, 'conversation-2', '2', second);
    expect(first.closed).toBe(false);
    expect(affinity.stats()).toMatchObject({ kept: 1, free: 1 });
    expect(donor.spare('L')).toBe(1);
    expect(await donor.donate('L')).toEqual({ cli: first, rewindTo: uuid('1', 'u') });
    await affinity.moved('conversation-1');
    // Its conversation moved to a copy, as for a kept one.
    expect(decodeSessionPoint((await store.get('conversation-1')) ?? '').atMessage).toBe(uuid('1', 'a'));
    expect(affinity.stats()).toMatchObject({ kept: 1, free: 0, reused: 1 });

    // The same conversation answered again by another process: the map names the newer one.
    await store.set('conversation-2', 'left as it is');
    await keep(affinity, 'conversation-2', '3', third);
    expect(affinity.stats()).toMatchObject({ kept: 1, free: 1 });
    expect((await donor.donate('L'))?.cli).toBe(second);
    await affinity.moved('conversation-2');
    expect(await store.get('conversation-2')).toBe('left as it is');
    // One free process per launch spec; ended when the affinity closes.
    await keep(affinity, 'conversation-4', '4', fakeCli());
    await affinity.close();
    expect(third.closed).toBe(true);
  });
});
