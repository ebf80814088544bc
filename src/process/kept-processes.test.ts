import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExitInfo } from './cli-process.js';
import { KeptProcesses, type KeptCli, type KeptProcessesSettings } from './kept-processes.js';

/** A stand-in for a CLI process: alive until closed, terminated or made to exit. */
class FakeCli implements KeptCli {
  static next = 1000;
  readonly pid = FakeCli.next++;
  isAlive = true;
  closed = false;
  readonly #exit: (info: ExitInfo) => void;
  readonly exited: Promise<ExitInfo>;

  constructor() {
    let resolve!: (info: ExitInfo) => void;
    this.exited = new Promise((r) => (resolve = r));
    this.#exit = resolve;
  }

  exit(): void {
    this.isAlive = false;
    this.#exit({ exitCode: 0, signal: null });
  }

  close(): Promise<ExitInfo> {
    this.closed = true;
    this.exit();
    return this.exited;
  }

  terminate(): Promise<ExitInfo> {
    return this.close();
  }
}

const MB = 1024 * 1024;
const settings: KeptProcessesSettings = { maxProcesses: 3, maxIdleMs: 60_000, maxMemoryBytes: 1000 * MB };

/** A registry whose processes measure `sizes[pid]` MB (200 MB when unlisted). */
function registry(overrides: Partial<KeptProcessesSettings> = {}, sizes: Record<number, number> = {}) {
  return new KeptProcesses<{ cli: FakeCli; tag: string }>({ ...settings, ...overrides }, (pid) =>
    pid === undefined ? undefined : (sizes[pid] ?? 200) * MB,
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('KeptProcesses', () => {
  it('hands a kept process out once, to the claimer of its key', () => {
    const kept = registry();
    const cli = new FakeCli();
    expect(kept.keep('a', { cli, tag: 'A' })).toBe(true);
    expect(kept.claim('b')).toBeUndefined();
    expect(kept.claim('a')?.tag).toBe('A');
    expect(kept.claim('a')).toBeUndefined();
    expect(cli.closed).toBe(false);
    expect(kept.stats()).toMatchObject({ kept: 0, memoryBytes: 0, continuations: 1 });
  });

  it('ends the least recently kept beyond maxProcesses', () => {
    const kept = registry({ maxProcesses: 2 });
    const [a, b, c] = [new FakeCli(), new FakeCli(), new FakeCli()];
    kept.keep('a', { cli: a, tag: 'A' });
    kept.keep('b', { cli: b, tag: 'B' });
    kept.keep('c', { cli: c, tag: 'C' });
    expect([a.closed, b.closed, c.closed]).toEqual([true, false, false]);
    expect(kept.stats()).toMatchObject({ kept: 2, memoryBytes: 400 * MB, evictions: { count: 1 } });
  });

  it('ends the least recently kept to stay within the memory budget, and refuses one alone over it', () => {
    const [a, b, c, huge] = [new FakeCli(), new FakeCli(), new FakeCli(), new FakeCli()];
    const kept = registry(
      { maxMemoryBytes: 700 * MB },
      { [a.pid]: 300, [b.pid]: 300, [c.pid]: 300, [huge.pid]: 800 },
    );
    kept.keep('a', { cli: a, tag: 'A' });
    kept.keep('b', { cli: b, tag: 'B' });
    expect(kept.stats().memoryBytes).toBe(600 * MB);
    kept.keep('c', { cli: c, tag: 'C' });
    expect([a.closed, b.closed, c.closed]).toEqual([true, false, false]);
    expect(kept.keep('huge', { cli: huge, tag: 'H' })).toBe(false);
    expect(huge.closed).toBe(true);
    expect(kept.stats()).toMatchObject({ kept: 2, memoryBytes: 600 * MB, evictions: { memory: 2 } });
  });

  it('ends a process not claimed within maxIdleMs', async () => {
    vi.useFakeTimers();
    const kept = registry({ maxIdleMs: 1000 });
    const cli = new FakeCli();
    kept.keep('a', { cli, tag: 'A' });
    await vi.advanceTimersByTimeAsync(999);
    expect(cli.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(cli.closed).toBe(true);
    expect(kept.claim('a')).toBeUndefined();
    expect(kept.stats()).toMatchObject({ kept: 0, evictions: { idle: 1 } });
  });

  it('forgets a process that exits by itself, and never hands out a dead one', async () => {
    const kept = registry();
    const gone = new FakeCli();
    kept.keep('a', { cli: gone, tag: 'A' });
    gone.exit();
    await Promise.resolve();
    await Promise.resolve();
    expect(kept.stats()).toMatchObject({ kept: 0, evictions: { exited: 1 } });
    const dying = new FakeCli();
    kept.keep('b', { cli: dying, tag: 'B' });
    dying.isAlive = false; // exited, its exit not yet delivered
    expect(kept.claim('b')).toBeUndefined();
  });

  it('ends a process its claimer does not accept (other settings) and one replaced under its key', () => {
    const kept = registry();
    const [a, b, c] = [new FakeCli(), new FakeCli(), new FakeCli()];
    kept.keep('a', { cli: a, tag: 'A' });
    expect(kept.claim('a', (entry) => entry.tag === 'other')).toBeUndefined();
    expect(a.closed).toBe(true);
    kept.keep('k', { cli: b, tag: 'B' });
    kept.keep('k', { cli: c, tag: 'C' });
    expect(b.closed).toBe(true);
    expect(kept.claim('k')?.cli).toBe(c);
    expect(kept.stats().evictions).toMatchObject({ mismatch: 1, replaced: 1 });
  });

  it('ends the process of a conversation that moved on elsewhere, and only that one', () => {
    const kept = registry();
    const [a, b] = [new FakeCli(), new FakeCli()];
    kept.keep('a', { cli: a, tag: 'A' });
    kept.keep('b', { cli: b, tag: 'B' });
    kept.end('a', 'moved');
    kept.end('unknown', 'moved');
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(false);
    expect(kept.claim('a')).toBeUndefined();
    expect(kept.stats()).toMatchObject({ kept: 1, memoryBytes: 200 * MB, evictions: { moved: 1 } });
  });

  it('keeps nothing with maxProcesses 0 or once closed, and ends every kept process on close', async () => {
    const off = registry({ maxProcesses: 0 });
    const refused = new FakeCli();
    expect(off.keep('a', { cli: refused, tag: 'A' })).toBe(false);
    expect(refused.closed).toBe(true);

    const kept = registry();
    const [a, b] = [new FakeCli(), new FakeCli()];
    kept.keep('a', { cli: a, tag: 'A' });
    kept.keep('b', { cli: b, tag: 'B' });
    await kept.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    const late = new FakeCli();
    expect(kept.keep('c', { cli: late, tag: 'C' })).toBe(false);
    expect(late.closed).toBe(true);
    expect(kept.stats().kept).toBe(0);
  });

  it('names the least recently kept match only when more than `leave` match, and takes it once', () => {
    const kept = registry({ maxProcesses: 5 });
    const [a, b, c] = [new FakeCli(), new FakeCli(), new FakeCli()];
    kept.keep('a', { cli: a, tag: 'x' });
    kept.keep('b', { cli: b, tag: 'y' });
    kept.keep('c', { cli: c, tag: 'x' });
    const isX = (entry: { tag: string }) => entry.tag === 'x';
    // Two match: the older one is named, and stays kept until taken.
    const oldest = kept.oldest(isX);
    expect(oldest?.key).toBe('a');
    expect(kept.stats().kept).toBe(3);
    // The only `y` is never named; with leave 0 it is.
    expect(kept.oldest((entry) => entry.tag === 'y')).toBeUndefined();
    expect(kept.oldest((entry) => entry.tag === 'y', 0)?.key).toBe('b');
    expect(oldest && kept.takeFor(oldest.key, oldest.entry)).toBe(true);
    expect(oldest && kept.takeFor(oldest.key, oldest.entry)).toBe(false);
    expect(a.closed).toBe(false);
    expect(kept.claim('a')).toBeUndefined();
    expect(kept.stats()).toMatchObject({ kept: 2, memoryBytes: 400 * MB, reused: 1, continuations: 0 });
    // Now only one `x` is left: none is named.
    expect(kept.oldest(isX)).toBeUndefined();
  });

  it('does not take an entry claimed, replaced or dead since it was named', () => {
    const kept = registry({ maxProcesses: 5 });
    const [a, b, c] = [new FakeCli(), new FakeCli(), new FakeCli()];
    kept.keep('a', { cli: a, tag: 'x' });
    kept.keep('b', { cli: b, tag: 'x' });
    const named = kept.oldest(() => true);
    expect(named?.key).toBe('a');
    kept.claim('a');
    expect(named && kept.takeFor(named.key, named.entry)).toBe(false);
    kept.keep('a', { cli: c, tag: 'x' });
    expect(named && kept.takeFor(named.key, named.entry)).toBe(false);
    const next = kept.oldest(() => true);
    b.exit();
    expect(next && kept.takeFor(next.key, next.entry)).toBe(false);
    expect(kept.stats().reused).toBe(0);
  });
});
