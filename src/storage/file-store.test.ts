import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from './file-store.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/**
 * A store whose directory cannot be created: its parent is a regular file. Tests run as root, so
 * permissions would not stop LMDB; a file in the way fails for root too, like a full disk does.
 */
function blockedStore(initialMs: number) {
  const root = mkdtempSync(join(tmpdir(), 'ccw-file-store-'));
  roots.push(root);
  const blocker = join(root, 'blocker');
  writeFileSync(blocker, 'not a directory');
  const store = new FileKeyValueStore(join(blocker, 'db'), { reopen: { initialMs, maxMs: initialMs } });
  return {
    store,
    unblock: () => {
      rmSync(blocker);
      mkdirSync(blocker);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FileKeyValueStore after a failure', () => {
  it('opens again once the cause is gone, instead of keeping the failed open forever', async () => {
    const { store, unblock } = blockedStore(100);
    try {
      await expect(store.set('k', 'v')).rejects.toThrow(/Cannot open the store/);
      expect(store.available).toBe(false);
      unblock();
      // Within the backoff the failure is answered without touching the disk again.
      await expect(store.get('k')).rejects.toThrow(/Cannot open the store/);
      await sleep(150);
      await store.set('k', 'v');
      expect(await store.get('k')).toBe('v');
      expect(store.available).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('does not fail at construction when the directory cannot be made (a server still starts)', () => {
    expect(() => blockedStore(1000)).not.toThrow();
  });
});

describe('FileKeyValueStore expiry', () => {
  function freshStore(options: ConstructorParameters<typeof FileKeyValueStore>[1] = {}) {
    const root = mkdtempSync(join(tmpdir(), 'ccw-file-store-'));
    roots.push(root);
    return new FileKeyValueStore(join(root, 'db'), options);
  }

  it('hides an expired entry from reads and removes it, keeping entries without or within their ttl', async () => {
    const store = freshStore();
    try {
      await store.set('short', 'gone soon', 30);
      await store.set('forever', 'kept');
      await store.set('long', 'kept too', 60_000);
      expect(await store.get('short')).toBe('gone soon');
      await sleep(60);
      expect(await store.get('short')).toBeUndefined();
      // The read removed it: nothing expired is left for the sweep.
      expect(await store.sweep()).toBe(0);
      expect(await store.get('forever')).toBe('kept');
      expect(await store.get('long')).toBe('kept too');
    } finally {
      await store.close();
    }
  });

  it('sweeps expired entries nobody reads, across chunks, and leaves the live ones', async () => {
    const store = freshStore();
    try {
      // 520 entries: the sweep's first chunk (500) and a second one, expired and live interleaved.
      for (let i = 0; i < 520; i += 1) {
        const key = `k${String(i).padStart(4, '0')}`;
        await store.set(key, `v${i}`, i % 2 === 0 ? 20 : 60_000);
      }
      await sleep(50);
      expect(await store.sweep()).toBe(260);
      expect(await store.sweep()).toBe(0);
      for (let i = 0; i < 520; i += 1) {
        const key = `k${String(i).padStart(4, '0')}`;
        expect(await store.get(key)).toBe(i % 2 === 0 ? undefined : `v${i}`);
      }
    } finally {
      await store.close();
    }
  });

  it('sweeps by itself, shortly after opening and then every interval', async () => {
    // First sweep 1/60 of the interval after opening (10 ms), then every 600 ms.
    const store = freshStore({ sweepIntervalMs: 600 });
    try {
      await store.set('a', '1', 20);
      await store.set('b', '2', 20);
      await store.set('c', '3');
      // Past the first sweep (which found nothing expired yet) and the second one.
      await sleep(900);
      // Already removed by the periodic sweep: an explicit one finds nothing.
      expect(await store.sweep()).toBe(0);
      expect(await store.get('c')).toBe('3');
    } finally {
      await store.close();
    }
  });
});

/** The built store (npm test builds before vitest), for child processes that cannot load TypeScript. */
const BUILT_STORE = fileURLToPath(new URL('../../dist/storage/file-store.js', import.meta.url));

/**
 * A child process that opens the store at `path`, says `ready`, waits for a line on stdin, then
 * writes `count` keys of its own (`<name>:<i>`) and `count` keys both children write
 * (`shared:<i>`), and prints what it did as JSON.
 */
function writerProcess(path: string, name: string, count: number) {
  const script = `
    import { FileKeyValueStore } from ${JSON.stringify(BUILT_STORE)};
    const store = new FileKeyValueStore(${JSON.stringify(path)});
    await store.get('warm-up');
    console.log('ready');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const startedAt = Date.now();
    const latencies = [];
    for (let i = 0; i < ${count}; i += 1) {
      const t0 = performance.now();
      await store.set(${JSON.stringify(name)} + ':' + i, 'from ' + ${JSON.stringify(name)} + ' ' + i);
      await store.set('shared:' + i, ${JSON.stringify(name)});
      latencies.push((performance.now() - t0) / 2);
    }
    const endedAt = Date.now();
    await store.close();
    latencies.sort((a, b) => a - b);
    console.log(JSON.stringify({ startedAt, endedAt, p50: latencies[latencies.length >> 1], p99: latencies[Math.floor(latencies.length * 0.99)] }));
    process.stdin.destroy();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => stdout.includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited early (${code}): ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { ready, go: () => child.stdin.write('go\n'), done };
}

describe('FileKeyValueStore shared by two processes', () => {
  it('keeps every write of two processes writing at the same time', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ccw-file-store-'));
    roots.push(root);
    const path = join(root, 'db');
    const count = 300;
    const writers = [writerProcess(path, 'a', count), writerProcess(path, 'b', count)];
    // Both have the store open before either writes.
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const results = await Promise.all(writers.map((w) => w.done));
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    const [a, b] = results.map(
      (r) =>
        JSON.parse(r.stdout.split('\n').filter(Boolean).at(-1)!) as { startedAt: number; endedAt: number },
    );
    // The writing overlapped: otherwise this would not test concurrent writers.
    expect(a!.startedAt < b!.endedAt && b!.startedAt < a!.endedAt).toBe(true);

    const store = new FileKeyValueStore(path);
    try {
      for (let i = 0; i < count; i += 1) {
        expect(await store.get(`a:${i}`)).toBe(`from a ${i}`);
        expect(await store.get(`b:${i}`)).toBe(`from b ${i}`);
        expect(['a', 'b']).toContain(await store.get(`shared:${i}`));
      }
    } finally {
      await store.close();
    }
  }, 30_000);
});

describe('FileKeyValueStore counters', () => {
  it('adds atomically, restarts an expired counter at 0, and keeps counts across a reopen', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ccw-file-store-'));
    roots.push(root);
    const path = join(root, 'db');
    const first = new FileKeyValueStore(path);
    try {
      const sums = await Promise.all(Array.from({ length: 20 }, () => first.increment('spend', 5, 60_000)));
      expect(sums.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 5));
      expect(await first.increment('brief', 7, 30)).toBe(7);
      await sleep(60);
      expect(await first.get('brief')).toBeUndefined();
      expect(await first.increment('brief', 2, 60_000)).toBe(2);
    } finally {
      await first.close();
    }
    const second = new FileKeyValueStore(path);
    try {
      expect(await second.get('spend')).toBe('100');
      expect(await second.increment('spend', 1, 60_000)).toBe(101);
    } finally {
      await second.close();
    }
  });
});
