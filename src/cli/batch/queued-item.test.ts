import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../exit-codes.js';
import { fromQueued, recordOf, toQueued } from './queued-item.js';

const item = { id: 'q1', prompt: 'hello', options: { model: 'sonnet' } };

describe('queued items', () => {
  it('carry the prompt with the flags under the item options, and come back as the same item', () => {
    const data = toQueued(item, { model: 'opus', maxTurns: 2 });
    expect(data).toEqual({ v: 1, prompt: 'hello', options: { model: 'sonnet', maxTurns: 2 } });
    expect(fromQueued('q1', JSON.parse(JSON.stringify(data)))).toEqual({
      id: 'q1',
      prompt: 'hello',
      options: { model: 'sonnet', maxTurns: 2 },
    });
  });

  it('refuse options that decide what runs on the worker, at submission and at the worker', () => {
    for (const options of [{ claudeBinary: '/bin/sh' }, { env: { A: 'b' } }, { workingDirectory: '/' }]) {
      expect(() => toQueued({ ...item, options }, {})).toThrow(CliUsageError);
      expect(fromQueued('q1', { v: 1, prompt: 'x', options })).toEqual({
        problem: expect.stringMatching(/only workers set/),
      });
    }
    expect(() => toQueued(item, { extraArgs: { '--x': null } })).toThrow(
      /option extraArgs cannot go through the queue/,
    );
    expect(fromQueued('q1', { v: 2, prompt: 'x', options: {} })).toHaveProperty('problem');
    expect(fromQueued('q1', { v: 1, prompt: 'x', options: { maxTurns: 0 } })).toHaveProperty('problem');
  });

  it('turn job outcomes into output records: results as the worker wrote them, BullMQ failures as failures', () => {
    const ok = { id: 'other', ok: true, content: 'hi', costUsd: 0.1, durationMs: 5, finishedAt: 'x' };
    expect(recordOf('q1', { state: 'completed', value: ok as never, finishedOn: 0 })).toEqual({
      ...ok,
      id: 'q1',
    });
    expect(recordOf('q1', { state: 'pending' })).toBeUndefined();
    expect(recordOf('q1', { state: 'missing' })).toBeUndefined();
    const lost = recordOf('q1', {
      state: 'failed',
      reason: 'job stalled more than allowable limit',
      finishedOn: 2_000,
      processedOn: 500,
    });
    expect(lost).toEqual({
      id: 'q1',
      ok: false,
      error: { code: 'WORKER_LOST', message: expect.stringContaining('stalled') },
      costUsd: 0,
      durationMs: 1500,
      finishedAt: new Date(2000).toISOString(),
    });
    expect(
      recordOf('q1', { state: 'failed', reason: 'boom', finishedOn: 1, processedOn: undefined }),
    ).toMatchObject({
      error: { code: 'WORKER_ERROR' },
    });
  });
});
