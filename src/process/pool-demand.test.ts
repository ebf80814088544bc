import { describe, expect, it } from 'vitest';
import { PoolDemand } from './pool-demand.js';

function clocked(windowMs: number) {
  let now = 1_000;
  const demand = new PoolDemand(windowMs, () => now);
  return { demand, advance: (ms: number) => (now += ms) };
}

describe('PoolDemand', () => {
  it('counts requests in flight and remembers the most at once', () => {
    const { demand } = clocked(1_000);
    expect(demand.peak).toBe(0);
    demand.start();
    demand.start();
    demand.start();
    demand.end();
    demand.end();
    expect(demand.inFlight).toBe(1);
    expect(demand.peak).toBe(3);
  });

  it('forgets a burst once the window has passed, but never below what is in flight', () => {
    const { demand, advance } = clocked(1_000);
    demand.start();
    demand.start();
    demand.start();
    demand.end();
    demand.end();
    advance(600);
    // Still within the window (the burst is in the previous bucket).
    expect(demand.peak).toBe(3);
    advance(600);
    expect(demand.peak).toBe(1);
    demand.end();
    advance(1_100);
    expect(demand.peak).toBe(0);
  });

  it('keeps sequential traffic at a peak of one', () => {
    const { demand, advance } = clocked(1_000);
    for (let i = 0; i < 20; i += 1) {
      demand.start();
      advance(150);
      demand.end();
      advance(5);
      expect(demand.peak).toBe(1);
    }
  });

  it('never goes below zero on an unmatched end', () => {
    const { demand } = clocked(1_000);
    demand.end();
    expect(demand.inFlight).toBe(0);
    demand.start();
    expect(demand.peak).toBe(1);
  });
});
