import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyValueStore } from './file-store.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/**
 * A store whose directory cannot be created: its parent is a regular file. Tests run as root, so
 * permissions would not stop LevelDB; a file in the way fails for root too, like a full disk does.
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
