import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore, type KeyValueStore } from './key-value-store.js';
import { WriteBehindKeyValueStore } from './write-behind-store.js';

/** A backing store whose writes land only when the test says so. */
class SlowStore implements KeyValueStore {
  readonly data = new MemoryKeyValueStore();
  readonly writes: { key: string; value: string; land: () => void; fail: (error: Error) => void }[] = [];
  readonly events: string[] = [];

  get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.events.push(`write ${key}=${value}`);
    return new Promise((resolve, reject) => {
      this.writes.push({
        key,
        value,
        land: () => void this.data.set(key, value, ttlMs).then(resolve),
        fail: reject,
      });
    });
  }

  async close(): Promise<void> {
    this.events.push('close');
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i += 1) await nextTurn();
};

describe('WriteBehindKeyValueStore', () => {
  it('answers from memory until the write lands, and starts the write only on the next turn', async () => {
    const slow = new SlowStore();
    const store = new WriteBehindKeyValueStore(slow);
    await store.set('k', 'v1');
    expect(slow.writes).toHaveLength(0); // not in front of the caller's answer
    expect(await store.get('k')).toBe('v1');
    expect(store.pendingWrites).toBe(1);
    await nextTurn();
    expect(slow.writes.map((w) => w.value)).toEqual(['v1']);
    expect(await slow.get('k')).toBeUndefined();
    expect(await store.get('k')).toBe('v1');
    slow.writes[0]!.land();
    await settle();
    expect(store.pendingWrites).toBe(0);
    expect(await slow.get('k')).toBe('v1');
    expect(await store.get('k')).toBe('v1');
  });

  it('keeps the newest value while an older write of the same key lands', async () => {
    const slow = new SlowStore();
    const store = new WriteBehindKeyValueStore(slow);
    await store.set('k', 'old');
    await store.set('k', 'new');
    await nextTurn();
    slow.writes[0]!.land();
    await settle();
    expect(await store.get('k')).toBe('new');
    slow.writes[1]!.land();
    await settle();
    expect(await store.get('k')).toBe('new');
  });

  it('reports a failed write and forgets the value; the caller never sees the error', async () => {
    const slow = new SlowStore();
    const failures: [string, string][] = [];
    const store = new WriteBehindKeyValueStore(slow, {
      onWriteError: (error, key) => failures.push([(error as Error).message, key]),
    });
    await expect(store.set('k', 'v')).resolves.toBeUndefined();
    await nextTurn();
    slow.writes[0]!.fail(new Error('disk full'));
    await settle();
    expect(failures).toEqual([['disk full', 'k']]);
    expect(await store.get('k')).toBeUndefined();
  });

  it('close waits for the writes still running, then closes the backing store', async () => {
    const slow = new SlowStore();
    const store = new WriteBehindKeyValueStore(slow);
    await store.set('a', '1');
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    expect(slow.events).toEqual(['write a=1']);
    slow.writes[0]!.land();
    await closing;
    expect(slow.events).toEqual(['write a=1', 'close']);
    expect(await slow.get('a')).toBe('1');
  });

  it('honours the time to live of a value not yet written', async () => {
    const store = new WriteBehindKeyValueStore(new SlowStore());
    await store.set('k', 'v', -1);
    expect(await store.get('k')).toBeUndefined();
  });
});
