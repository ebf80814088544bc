/**
 * The replicas' notice channel (RedisChannel) on a real redis-server: messages reach every other
 * subscriber, and a subscription made while Redis is down takes effect once it is up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisChannel } from '../../src/storage/redis-channel.js';
import { freePort, REDIS_MISSING, redisAvailable, startRedis } from '../fixtures/redis-server.js';
import { skipAllUnless } from '../support/skip-unless.js';
import { eventually } from './helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('RedisChannel', () => {
  skipAllUnless(redisAvailable, REDIS_MISSING);

  it('delivers a message to the subscribers, also one that subscribed while Redis was down', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const [early, late, sender] = [0, 1, 2].map(() => new RedisChannel(url, 'ccw:test-notices'));
    cleanup.push(() => Promise.all([early, late, sender].map((c) => c!.close())).then(() => undefined));
    const heard: string[] = [];
    await expect(early!.subscribe((message) => heard.push(`early ${message}`))).rejects.toThrow();

    const redis = await startRedis(port);
    cleanup.push(() => redis.stop());
    await late!.subscribe((message) => heard.push(`late ${message}`));
    // The early subscriber is subscribed again by its reconnection (ioredis retries every 2 s at most).
    const delivered = await eventually(
      () => {
        void sender!.publish('hello').catch(() => undefined);
        return heard.includes('early hello');
      },
      10_000,
      500,
    );
    expect(delivered).toBe(true);
    expect(heard).toContain('late hello');
  });
});
