/**
 * The Redis options: shared cache, shared rate limit, shared session map. Needs redis-server
 * (installed by .ci/run); skipped when it is missing on a developer machine, with the reason in
 * the last line of `npm test`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeCodeWrapper, openSessionStore, RedisKeyValueStore } from '../../src/index.js';
import { withFakeClaude, type FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { REDIS_MISSING, redisAvailable, startRedis } from '../fixtures/redis-server.js';
import { skipAllUnless } from '../support/index.js';

describe('Redis-backed stores', () => {
  skipAllUnless(redisAvailable, REDIS_MISSING);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let fake: FakeClaude;
  beforeAll(async () => {
    if (!redisAvailable) return;
    redis = await startRedis();
    fake = await withFakeClaude({ default: { kind: 'reply', text: 'from redis test' } });
  });
  afterAll(async () => {
    if (!redisAvailable) return;
    await fake.cleanup();
    await redis.stop();
  });

  it('stores with expiry', async () => {
    const store = new RedisKeyValueStore(redis.url, 'test:');
    await store.set('a', '1');
    await store.set('b', '2', 50);
    expect(await store.get('a')).toBe('1');
    expect(await store.get('b')).toBe('2');
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.get('b')).toBeUndefined();
    await store.close();
  });

  it('shares the response cache between two wrappers (two processes in production)', async () => {
    const config = {
      claudeBinary: fake.binary,
      env: fake.env,
      logLevel: 'silent' as const,
      redisUrl: redis.url,
      cache: { ttlMs: 60_000, store: 'redis' as const },
    };
    const a = new ClaudeCodeWrapper(config);
    const b = new ClaudeCodeWrapper(config);
    await a.run('shared question');
    const hit = await b.run('shared question');
    expect(hit.cached).toBe(true);
    expect(fake.invocations().filter((i) => !i.argv.includes('--version'))).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('shares one rate budget between wrappers', async () => {
    const config = {
      claudeBinary: fake.binary,
      env: fake.env,
      logLevel: 'silent' as const,
      redisUrl: redis.url,
      requestsPerMinute: 2,
    };
    const a = new ClaudeCodeWrapper(config);
    const b = new ClaudeCodeWrapper(config);
    await a.run('one');
    await b.run('two');
    let third = false;
    const pending = a.run('three', { signal: AbortSignal.timeout(1500) }).then(
      () => (third = true),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(third).toBe(false);
    await pending;
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps the conversation map in Redis', async () => {
    const store = openSessionStore({ redisUrl: redis.url });
    await store.set('prefix-hash', 'session-1');
    const other = openSessionStore({ redisUrl: redis.url });
    expect(await other.get('prefix-hash')).toBe('session-1');
    await Promise.all([store.close(), other.close()]);
  });
});
