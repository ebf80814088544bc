import { describe, expect, it } from 'vitest';
import { ClaudeCodeQueueFullError } from '../core/errors/index.js';
import { ConcurrencyGate } from './concurrency-gate.js';

/** Let the bulkhead settle (it frees and hands out slots a few microtasks later). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ConcurrencyGate parked slots', () => {
  it('gives the oldest parked slot to a request that would otherwise wait, and tells its holder', async () => {
    const gate = new ConcurrencyGate(2, 0);
    const first = await gate.acquire();
    const second = await gate.acquire();
    const taken: string[] = [];
    const parkedFirst = gate.park(first, () => taken.push('first'));
    const parkedSecond = gate.park(second, () => taken.push('second'));
    expect(gate.parked).toBe(2);
    expect(gate.active).toBe(0);

    // No free slot and no queue (maxQueue 0): the request gets a parked slot instead of a 529.
    const third = await gate.acquire();
    expect(taken).toEqual(['first']);
    expect(gate.parked).toBe(1);
    expect(gate.active).toBe(1);
    // The holder that lost its slot cannot release it any more; the other one still can.
    expect(parkedFirst?.resume()).toBeUndefined();
    expect(parkedSecond?.resume()).toBe(second);

    await gate.acquire().then(
      () => expect.unreachable('no slot is free or parked'),
      (error: unknown) => expect(error).toBeInstanceOf(ClaudeCodeQueueFullError),
    );
    third();
    second();
    await settle();
    expect(gate.active).toBe(0);
    await gate.acquire();
    expect(gate.active).toBe(1);
  });

  it('does not park a slot requests are already waiting for', async () => {
    const gate = new ConcurrencyGate(1, 1);
    const release = await gate.acquire();
    let admitted = false;
    const waiting = gate.acquire(new AbortController().signal).then((next) => {
      admitted = true;
      return next;
    });
    await settle();
    expect(gate.queued).toBe(1);
    expect(gate.park(release, () => expect.unreachable('not parked'))).toBeUndefined();
    release();
    (await waiting)();
    expect(admitted).toBe(true);
  });

  it('leaves a parked slot alone while a slot is free', async () => {
    const gate = new ConcurrencyGate(2, 0);
    const release = await gate.acquire();
    let taken = false;
    const parked = gate.park(release, () => (taken = true));
    await gate.acquire();
    expect(taken).toBe(false);
    expect(parked?.resume()).toBe(release);
  });
});
