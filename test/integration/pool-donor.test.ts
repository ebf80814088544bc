/**
 * Kept processes serve new requests when the warm pool has none ready (issue 15 item 2), against
 * the fake CLI: a request that finds no idle process takes one a {@link ProcessDonor} gives up,
 * rewound to before its conversation, instead of waiting for a spare that is still starting. A
 * donor with nothing to give (or that throws), a dead donated process and one whose rewind fails
 * leave the request to the usual path. Which process served what, never speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaudeCodeWrapper } from '../../src/index.js';
import type { CliProcess } from '../../src/process/cli-process.js';
import type { ProcessDonor } from '../../src/process/process-donor.js';
import type { ProcessHandover } from '../../src/process/process-handover.js';
import type { FakeClaude, FakeClaudeInvocation } from '../fixtures/fake-claude-helpers.mjs';
import { eventually, isRunning, useFakeClaude } from './helpers.js';

const setup = useFakeClaude();
const runs = (f: FakeClaude) => f.invocations().filter((i) => !i.argv.includes('--version'));

/** Spares take this long to start: a request right after a hand-off finds none ready. */
const STARTUP_DELAY_MS = 600;
const REWIND_TO = '11111111-2222-4333-8444-555555555555';

interface Kept {
  readonly cli: CliProcess;
  readonly launchKey: string | undefined;
}

/** Processes handed to tests with `keep`; ended after each test unless the pool took them. */
const keptProcesses: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(keptProcesses.splice(0).map((cli) => cli.terminate()));
});

/** A handover that never has a process to give and keeps every process handed to it. */
function keeper(): { handover: ProcessHandover; kept: Kept[] } {
  const kept: Kept[] = [];
  return {
    kept,
    handover: {
      take: () => undefined,
      keep: (cli, launchKey) => {
        kept.push({ cli, launchKey });
        keptProcesses.push(cli);
      },
    },
  };
}

/** A donor that gives `give()`'s process once, for the key it was kept under; records each call. */
function donorOf(kept: Kept, give: () => CliProcess | undefined = () => kept.cli) {
  const asked: string[] = [];
  let given = false;
  const donor: ProcessDonor = {
    donate: async (specKey) => {
      asked.push(specKey);
      if (given || specKey !== kept.launchKey) return undefined;
      const cli = give();
      if (cli === undefined) return undefined;
      given = true;
      return { cli, rewindTo: REWIND_TO };
    },
  };
  return { donor, asked };
}

/** The invocation whose stdin carried the prompt `text`. */
function servedBy(fake: FakeClaude, text: string): FakeClaudeInvocation | undefined {
  return runs(fake).find((r) => r.stdin.some((l) => JSON.stringify(l).includes(`"${text}"`)));
}

function rewindRequests(invocation: FakeClaudeInvocation | undefined): Array<Record<string, unknown>> {
  return (invocation?.stdin ?? [])
    .map((l) => l as { type?: unknown; request?: Record<string, unknown> })
    .filter((l) => l.type === 'control_request' && l.request?.['subtype'] === 'rewind_conversation')
    .map((l) => l.request ?? {});
}

/**
 * A pool of size 1 for a fake whose processes take a while to start: prewarmed, then one request
 * whose process is kept by the test (the pool starts a replacement, which is still starting).
 */
async function keptAfterFirstTurn(): Promise<{ wrapper: ClaudeCodeWrapper; fake: FakeClaude; kept: Kept }> {
  const { wrapper, fake } = await setup(
    { echoHistory: true, startup: { delayMs: STARTUP_DELAY_MS } },
    { warmPool: { size: 1 } },
  );
  await wrapper.prewarm();
  const { handover, kept } = keeper();
  const first = await wrapper.run('first', { processHandover: handover });
  expect(first.content).toContain('previous: none');
  expect(kept).toHaveLength(1);
  const [only] = kept as [Kept];
  // A pooled process is a fresh start of the pool's spec: it comes with that spec's key.
  expect(only.launchKey).toEqual(expect.any(String));
  expect(only.cli.isAlive).toBe(true);
  expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 1, idle: 0, recycled: 0 });
  return { wrapper, fake, kept: only };
}

/** `second` was answered by the spare that was starting, not by the kept process: no recycling. */
function expectServedBySpare(
  wrapper: ClaudeCodeWrapper,
  fake: FakeClaude,
  kept: Kept,
  second: { readonly content: string },
): void {
  expect(second.content).toContain('previous: none');
  expect(servedBy(fake, 'second')?.pid).not.toBe(kept.cli.pid);
  expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 2, recycled: 0, waits: 1, misses: 0 });
}

describe('a pool with a process donor', () => {
  it('hands out a donated process, rewound, when no spare is ready', async () => {
    const { wrapper, fake, kept } = await keptAfterFirstTurn();
    const { donor, asked } = donorOf(kept);
    wrapper.setProcessDonor(donor);
    const spawnedBefore = runs(fake).length;

    const second = await wrapper.run('second');

    // The pool asked for a process of the spec the kept one was started from.
    expect(asked).toEqual([kept.launchKey]);
    // Served by the kept process: the same one that answered 'first', rewound before 'second'
    // (without the rewind the fake would answer "previous: first").
    expect(second.content).toContain('previous: none');
    const process = servedBy(fake, 'second');
    expect(process?.pid).toBe(kept.cli.pid);
    expect(servedBy(fake, 'first')?.pid).toBe(kept.cli.pid);
    expect(rewindRequests(process)).toEqual([expect.objectContaining({ target_message_uuid: REWIND_TO })]);
    const lines = (process?.stdin ?? []).map((l) => JSON.stringify(l));
    const rewindAt = lines.findIndex((l) => l.includes('rewind_conversation'));
    expect(rewindAt).toBeGreaterThan(lines.findIndex((l) => l.includes('"first"')));
    expect(rewindAt).toBeLessThan(lines.findIndex((l) => l.includes('"second"')));
    // A hand-off that did not wait, and no process started for it (the spare started before).
    expect(wrapper.getPoolStats()).toMatchObject({ handoffs: 2, recycled: 1, waits: 0, misses: 0 });
    expect(runs(fake)).toHaveLength(spawnedBefore);

    // The pool owns it now: with maxUses 1 it retires it after the request.
    expect(await eventually(() => !kept.cli.isAlive)).toBe(true);
    // The spare that was starting serves the next request.
    const third = await wrapper.run('third');
    expect(third.content).toContain('previous: none');
    expect(servedBy(fake, 'third')?.pid).not.toBe(kept.cli.pid);
    expect(wrapper.getPoolStats()?.recycled).toBe(1);
  });

  it('a donor with nothing to give: the request waits for the starting spare', async () => {
    const { wrapper, fake, kept } = await keptAfterFirstTurn();
    const { donor, asked } = donorOf(kept, () => undefined);
    wrapper.setProcessDonor(donor);

    const second = await wrapper.run('second');

    expect(asked).toEqual([kept.launchKey]);
    expectServedBySpare(wrapper, fake, kept, second);
    // The kept process was left alone.
    expect(kept.cli.isAlive).toBe(true);
    expect(rewindRequests(servedBy(fake, 'first'))).toEqual([]);
  });

  it('a donor that throws (rejects, or throws at once): ignored, the request waits for the starting spare', async () => {
    const failures: (() => Promise<undefined>)[] = [
      () => Promise.reject(new Error('donor broke')),
      () => {
        throw new Error('donor broke at once');
      },
    ];
    for (const fail of failures) {
      const { wrapper, fake, kept } = await keptAfterFirstTurn();
      let asked = 0;
      wrapper.setProcessDonor({
        donate: () => {
          asked += 1;
          return fail();
        },
      });

      const second = await wrapper.run('second');

      expect(asked).toBe(1);
      expectServedBySpare(wrapper, fake, kept, second);
      expect(kept.cli.isAlive).toBe(true);
      await kept.cli.terminate();
    }
  });

  it('a donated process that died is not handed out', async () => {
    const { wrapper, fake, kept } = await keptAfterFirstTurn();
    await kept.cli.terminate();
    const { donor, asked } = donorOf(kept);
    wrapper.setProcessDonor(donor);

    const second = await wrapper.run('second');

    expect(asked).toEqual([kept.launchKey]);
    expectServedBySpare(wrapper, fake, kept, second);
  });

  it('a donated process whose rewind fails is ended and not handed out', async () => {
    const { wrapper, fake, kept } = await keptAfterFirstTurn();
    // Alive when donated, but its stdin is closed: the rewind cannot be sent and it exits.
    const { donor, asked } = donorOf(kept, () => {
      kept.cli.endInput();
      return kept.cli;
    });
    wrapper.setProcessDonor(donor);

    const second = await wrapper.run('second');

    expect(asked).toEqual([kept.launchKey]);
    expectServedBySpare(wrapper, fake, kept, second);
    expect(await eventually(() => !isRunning(kept.cli.pid ?? -1))).toBe(true);
  });

  it('asks no donor while a process is idle, and none for another configuration', async () => {
    const { wrapper, fake } = await setup({ echoHistory: true }, { warmPool: { size: 1 } });
    await wrapper.prewarm();
    const keys: string[] = [];
    wrapper.setProcessDonor({
      donate: (key) => {
        keys.push(key);
        return Promise.resolve(undefined);
      },
    });
    await wrapper.run('served warm');
    expect(keys).toEqual([]);
    // A configuration without a pool yet: a miss, no donor.
    await wrapper.run('other model', { model: 'other-model' });
    expect(keys).toEqual([]);
    expect(runs(fake).length).toBeGreaterThanOrEqual(2);
  });
});
