import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClaudeCodeResponse } from '../core/response.js';
import { ResponseCache } from './response-cache.js';

describe('ResponseCache on a failing disk', () => {
  it('treats a failing store as a miss, reports it, and works again once the disk does', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ccw-cache-'));
    const blocker = join(root, 'blocker');
    writeFileSync(blocker, 'not a directory'); // stands in for a full disk (tests run as root)
    const errors: string[] = [];
    const cache = ResponseCache.open({ ttlMs: 60_000, path: join(blocker, 'cache') }, undefined, {
      onError: (_error, operation) => errors.push(operation),
    });
    try {
      await expect(cache.get('k')).resolves.toBeUndefined();
      // Said once per outage, however many operations fail during it.
      await cache.set('k', { text: 'lost', isError: false } as unknown as ClaudeCodeResponse);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the write behind has failed by now
      await expect(cache.get('k')).resolves.toBeUndefined();
      expect(errors).toEqual(['read']);
      rmSync(blocker);
      mkdirSync(blocker);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // first backoff: 1 s
      await cache.set('k', { text: 'hi', isError: false } as unknown as ClaudeCodeResponse);
      await new Promise((resolve) => setTimeout(resolve, 50)); // written behind
      expect(await cache.get('k')).toMatchObject({ text: 'hi', cached: true });
    } finally {
      await cache.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
