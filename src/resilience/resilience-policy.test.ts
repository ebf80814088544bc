import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ClaudeCodeAbortError,
  ClaudeCodeCircuitOpenError,
  ClaudeCodeProcessError,
  ClaudeCodeQueueFullError,
  ClaudeCodeTimeoutError,
  ClaudeCodeValidationError,
} from '../core/errors/index.js';
import { computeBackoffDelay } from './backoff.js';
import { ResiliencePolicy, type ResilienceSettings } from './resilience-policy.js';

const base: ResilienceSettings = {
  maxRetries: 3,
  retryDelayMs: 500,
  retryBackoffFactor: 2,
  maxRetryDelayMs: 8000,
  retryOnTimeout: false,
  maxConcurrent: 0,
  maxQueue: 0,
  requestsPerMinute: 0,
  random: () => 0, // no jitter: exact delays
};

const transient = (): ClaudeCodeProcessError =>
  new ClaudeCodeProcessError('crashed', { exitCode: null, signal: 'SIGKILL', stderrTail: '' });

describe('computeBackoffDelay', () => {
  it('doubles from the first delay up to the cap, minus up to 25 % jitter', () => {
    const s = { retryDelayMs: 500, retryBackoffFactor: 2, maxRetryDelayMs: 3000 };
    expect([1, 2, 3, 4, 5].map((n) => computeBackoffDelay(n, { ...s, random: () => 0 }))).toEqual([
      500, 1000, 2000, 3000, 3000,
    ]);
    expect(computeBackoffDelay(1, { ...s, random: () => 0.999 })).toBe(375);
  });
});

describe('ResiliencePolicy retries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries retryable failures with exponential delays, then succeeds', async () => {
    const delays: number[] = [];
    const policy = new ResiliencePolicy(base, { onRetry: ({ delayMs }) => delays.push(delayMs) });
    let calls = 0;
    const result = policy.execute(async () => {
      calls += 1;
      if (calls < 3) throw transient();
      return 'ok';
    });
    await vi.runAllTimersAsync();
    expect(await result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([500, 1000]);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const policy = new ResiliencePolicy({ ...base, maxRetries: 2 });
    let calls = 0;
    const result = policy.execute(async () => {
      calls += 1;
      throw transient();
    });
    const assertion = expect(result).rejects.toBeInstanceOf(ClaudeCodeProcessError);
    await vi.runAllTimersAsync();
    await assertion;
    expect(calls).toBe(3);
  });

  it('honours a retry-after hint carried by the error', async () => {
    const delays: number[] = [];
    const policy = new ResiliencePolicy(base, { onRetry: ({ delayMs }) => delays.push(delayMs) });
    let calls = 0;
    const result = policy.execute(async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(transient(), { retryAfterMs: 4200 });
      return 'ok';
    });
    await vi.runAllTimersAsync();
    await result;
    expect(delays).toEqual([4200]);
  });

  it('does not retry non-retryable errors, timeouts (unless asked), or once output was seen', async () => {
    const policy = new ResiliencePolicy(base);
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls += 1;
        throw new ClaudeCodeValidationError('x', 1, 'bad');
      }),
    ).rejects.toBeInstanceOf(ClaudeCodeValidationError);
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      policy.execute(async () => {
        calls += 1;
        throw new ClaudeCodeTimeoutError(10, 'total');
      }),
    ).rejects.toBeInstanceOf(ClaudeCodeTimeoutError);
    expect(calls).toBe(1);

    const withTimeouts = new ResiliencePolicy({ ...base, retryOnTimeout: true, maxRetries: 1 });
    calls = 0;
    const retried = withTimeouts.execute(async () => {
      calls += 1;
      throw new ClaudeCodeTimeoutError(10, 'total');
    });
    const assertion = expect(retried).rejects.toBeInstanceOf(ClaudeCodeTimeoutError);
    await vi.runAllTimersAsync();
    await assertion;
    expect(calls).toBe(2);

    calls = 0;
    await expect(
      policy.execute(
        async () => {
          calls += 1;
          throw transient();
        },
        { retryAllowed: () => false },
      ),
    ).rejects.toBeInstanceOf(ClaudeCodeProcessError);
    expect(calls).toBe(1);
  });
});

describe('ResiliencePolicy circuit breaker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens after the threshold, fails fast with the retry time, then half-opens', async () => {
    const states: string[] = [];
    const policy = new ResiliencePolicy(
      { ...base, maxRetries: 0, circuitBreaker: { threshold: 2, halfOpenAfterMs: 10_000 } },
      { onBreakerStateChange: (s) => states.push(s) },
    );
    let calls = 0;
    const failing = async (): Promise<string> => {
      calls += 1;
      throw transient();
    };
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(ClaudeCodeProcessError);
    expect(policy.breakerState).toBe('closed');
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(ClaudeCodeProcessError);
    expect(policy.breakerState).toBe('open');
    const fast = (await policy.execute(failing).catch((e: unknown) => e)) as ClaudeCodeCircuitOpenError;
    expect(fast).toBeInstanceOf(ClaudeCodeCircuitOpenError);
    expect(fast.retryAfterMs).toBeGreaterThan(9000);
    expect(fast.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(Date.parse(fast.retryAt)).toBeGreaterThan(Date.now());
    expect(calls).toBe(2); // the CLI was not called while open
    vi.advanceTimersByTime(10_001);
    expect(await policy.execute(async () => 'recovered')).toBe('recovered');
    expect(policy.breakerState).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });
});

describe('ResiliencePolicy concurrency', () => {
  it('queues beyond maxConcurrent, rejects beyond maxQueue, and lets an aborted caller leave the queue', async () => {
    const policy = new ResiliencePolicy({ ...base, maxConcurrent: 1, maxQueue: 1 });
    let release!: () => void;
    const running = policy.execute(
      () => new Promise<string>((resolve) => (release = () => resolve('first'))),
    );
    const controller = new AbortController();
    const queued = policy.execute(async () => 'second', { signal: controller.signal });
    await Promise.resolve();
    expect(policy.active).toBe(1);
    expect(policy.queued).toBe(1);
    await expect(policy.execute(async () => 'third')).rejects.toBeInstanceOf(ClaudeCodeQueueFullError);
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(ClaudeCodeAbortError);
    expect(policy.queued).toBe(0);
    release();
    expect(await running).toBe('first');
    expect(policy.active).toBe(0);
  });

  it('rate-limits calls per minute by making them wait', async () => {
    const policy = new ResiliencePolicy({ ...base, requestsPerMinute: 2 });
    const started: number[] = [];
    const call = () => policy.execute(async () => started.push(Date.now()));
    await call();
    await call();
    let third = false;
    void call().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(started).toHaveLength(2);
    expect(third).toBe(false);
    await policy.close();
  });
});
