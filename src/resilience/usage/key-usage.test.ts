import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyLimitError } from './key-limit-error.js';
import { formatUsd, KeyUsage, type KeyLimits, type UsageClient } from './key-usage.js';
import { usageWindow } from './usage-windows.js';

const usages: KeyUsage[] = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await Promise.all(usages.splice(0).map((u) => u.close()));
});

function open(): KeyUsage {
  const usage = KeyUsage.open();
  usages.push(usage);
  return usage;
}

function client(limits: Partial<KeyLimits>, name = 'ci'): UsageClient {
  return { id: `key_${name}`, name, limits: { requestsPerMinute: 0, maxConcurrent: 0, ...limits } };
}

async function refusal(promise: Promise<unknown>): Promise<KeyLimitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(KeyLimitError.isInstance(error), String(error)).toBe(true);
  return error as KeyLimitError;
}

/** Charges are written in the background; a report after a tick sees them. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('KeyUsage', () => {
  it('counts requests per minute per key and refuses beyond the limit until the window ends', async () => {
    const usage = open();
    const ci = client({ requestsPerMinute: 2 });
    await usage.countRequest(ci);
    await usage.countRequest(ci);
    const error = await refusal(usage.countRequest(ci));
    expect(error.limit).toBe('requestsPerMinute');
    expect(error.message).toBe("Rate limit of 2 requests per minute for key 'ci' reached.");
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(error.exhausted).toBe(false);
    // Another key has its own window.
    await usage.countRequest(client({ requestsPerMinute: 2 }, 'other'));
    const report = await usage.report(ci);
    expect(report.requestsPerMinute).toMatchObject({ used: 3, limit: 2, remaining: 0 });
    expect(report.requestsPerMinute.resetsAt).toBeGreaterThan(Date.now());
  });

  it('reports the same end of a window however much later it is read', async () => {
    const usage = open();
    const ci = client({ requestsPerMinute: 5 });
    // A clock that moves 1 ms each time it is read, as time passes while a report is made.
    let clock = Date.parse('2025-04-01T12:00:00.000Z');
    vi.spyOn(Date, 'now').mockImplementation(() => clock++);
    await usage.countRequest(ci);
    const first = await usage.report(ci);
    clock += 437;
    const later = await usage.report(ci);
    expect(first.requestsPerMinute.resetsAt).toBe(Date.parse('2025-04-01T12:01:00.000Z'));
    expect(later.requestsPerMinute).toEqual(first.requestsPerMinute);
    // The refusal's Retry-After counts from now to that end, in whole seconds rounded up.
    clock = Date.parse('2025-04-01T12:00:20.500Z');
    const error = await refusal(
      usage.countRequest({ ...ci, limits: { ...ci.limits, requestsPerMinute: 1 } }),
    );
    expect(error.retryAfterSeconds).toBe(40);
  });

  it('admits maxConcurrent runs at once and frees a place when one ends', async () => {
    const usage = open();
    const ci = client({ maxConcurrent: 2 });
    const first = await usage.admitRun(ci);
    await usage.admitRun(ci);
    const error = await refusal(usage.admitRun(ci));
    expect(error).toMatchObject({ limit: 'maxConcurrent', retryAfterSeconds: 1 });
    expect(error.message).toBe("Concurrency limit of 2 runs at once for key 'ci' reached.");
    expect((await usage.report(ci)).maxConcurrent).toEqual({ used: 2, limit: 2, remaining: 0 });
    first.end();
    first.end();
    expect((await usage.report(ci)).maxConcurrent.used).toBe(1);
    await usage.admitRun(ci);
  });

  it('lets the run that crosses the daily budget finish and refuses the next until midnight UTC', async () => {
    const usage = open();
    const ci = client({ dailyUsd: 0.001 });
    const first = await usage.admitRun(ci);
    first.end(0.0006);
    // Still under the budget: admitted, and it may cost more than what is left.
    const second = await usage.admitRun(ci);
    second.end(0.0007);
    // The charge is still being written: this process counts it already.
    const error = await refusal(usage.admitRun(ci));
    expect(error.limit).toBe('dailyUsd');
    expect(error.exhausted).toBe(true);
    expect(error.message).toMatch(
      /^Daily budget of \$0\.001 for key 'ci' reached: \$0\.0013 spent today \(\d{4}-\d\d-\d\d, UTC\); it resets at \d{4}-\d\d-\d\dT00:00:00\.000Z\.$/,
    );
    const midnight = usageWindow('day').endsAt;
    expect(Math.abs(error.retryAfterSeconds - (midnight - Date.now()) / 1000)).toBeLessThan(2);
    await settle();
    const report = await usage.report(ci);
    expect(report.dailyUsd).toEqual({ used: 0.0013, limit: 0.001, remaining: 0, resetsAt: midnight });
    expect(report.monthlyUsd).toMatchObject({ used: 0.0013, limit: undefined, remaining: undefined });
    // Another key's spend is its own.
    await usage.admitRun(client({ dailyUsd: 0.001 }, 'other'));
  });

  it('names the monthly budget when both are reached (the day resetting would not help)', async () => {
    const usage = open();
    const ci = client({ dailyUsd: 1, monthlyUsd: 2 });
    usage.charge(ci, 2.5);
    const error = await refusal(usage.admitRun(ci));
    expect(error.limit).toBe('monthlyUsd');
    expect(error.message).toMatch(
      /^Monthly budget of \$2\.00 for key 'ci' reached: \$2\.50 spent in \d{4}-\d\d \(UTC\)/,
    );
  });

  it('starts a new day at midnight UTC', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-31T23:59:30Z'));
    const usage = open();
    const ci = client({ dailyUsd: 1 });
    usage.charge(ci, 1);
    await vi.waitFor(async () => expect((await usage.report(ci)).dailyUsd.used).toBe(1));
    const error = await refusal(usage.admitRun(ci));
    expect(error.retryAfterSeconds).toBe(30);
    vi.setSystemTime(new Date('2025-04-01T00:00:01Z'));
    (await usage.admitRun(ci)).end();
    const report = await usage.report(ci);
    expect(report.dailyUsd.used).toBe(0);
    expect(report.monthlyUsd.used).toBe(0);
    expect(report.dailyUsd.resetsAt).toBe(Date.parse('2025-04-02T00:00:00Z'));
    expect(report.monthlyUsd.resetsAt).toBe(Date.parse('2025-05-01T00:00:00Z'));
  });
});

describe('usageWindow', () => {
  it('names UTC minutes, days and months and where they end', () => {
    const now = Date.parse('2024-12-31T23:59:10.500Z');
    expect(usageWindow('minute', now)).toEqual({
      id: '2024-12-31T23:59',
      endsAt: Date.parse('2025-01-01T00:00:00Z'),
    });
    expect(usageWindow('day', now)).toEqual({ id: '2024-12-31', endsAt: Date.parse('2025-01-01T00:00:00Z') });
    expect(usageWindow('month', now)).toEqual({ id: '2024-12', endsAt: Date.parse('2025-01-01T00:00:00Z') });
    expect(usageWindow('month', Date.parse('2024-02-10T00:00:00Z')).endsAt).toBe(
      Date.parse('2024-03-01T00:00:00Z'),
    );
  });
});

describe('formatUsd', () => {
  it('shows whole cents with two decimals and smaller amounts with up to six', () => {
    expect(formatUsd(5)).toBe('$5.00');
    expect(formatUsd(0.1)).toBe('$0.10');
    expect(formatUsd(0.0012)).toBe('$0.0012');
    expect(formatUsd(1.234567)).toBe('$1.234567');
  });
});
