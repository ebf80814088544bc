import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ClaudeCodeCircuitOpenError,
  ClaudeCodeProcessError,
  ClaudeCodeWrapper,
  type ClaudeEvent,
} from '../../src/index.js';
import type { FakeClaude } from '../fixtures/fake-claude-helpers.mjs';
import { useFakeClaude } from './helpers.js';

const setup = useFakeClaude();

const runs = (f: FakeClaude) => f.invocations().filter((i) => !i.argv.includes('--version'));
const fastRetries = { maxRetries: 2, retryDelayMs: 10, maxRetryDelayMs: 20 };

describe('retries against the fake CLI', () => {
  it('retries a CLI-reported 529 twice, then succeeds, and says so', async () => {
    const { wrapper, fake } = await setup(
      {
        byInvocation: [
          { kind: 'api_error', status: 529 },
          { kind: 'api_error', status: 529 },
          { kind: 'reply', text: 'third time lucky' },
        ],
      },
      fastRetries,
    );
    const response = await wrapper.run('x');
    expect(response).toMatchObject({ content: 'third time lucky', isError: false, retries: 2 });
    expect(runs(fake)).toHaveLength(3);
    expect(await wrapper.metricsRegistry.getSingleMetricAsString('claude_code_retries_total')).toMatch(
      / 2$/m,
    );
  });

  it('returns the last failure as a response when retries run out (or throws with throwOnError)', async () => {
    const { wrapper, fake } = await setup({ default: { kind: 'api_error', status: 529 } }, fastRetries);
    const response = await wrapper.run('x');
    expect(response).toMatchObject({ isError: true, errorType: 'overloaded_error', retries: 2 });
    expect(runs(fake)).toHaveLength(3);
    await expect(wrapper.run('x', { throwOnError: true })).rejects.toMatchObject({ code: 'OVERLOADED' });
  });

  it('does not retry what cannot succeed (401, max turns)', async () => {
    const { wrapper, fake } = await setup({ default: { kind: 'api_error', status: 401 } }, fastRetries);
    expect((await wrapper.run('x')).errorType).toBe('authentication_error');
    expect(runs(fake)).toHaveLength(1);
  });

  it('retries a crash before any output, invisibly to a stream consumer', async () => {
    const { wrapper, fake } = await setup(
      {
        byInvocation: [
          { kind: 'crash', afterLines: 1, signal: 'SIGKILL' },
          { kind: 'reply', chunks: ['fine'] },
        ],
      },
      fastRetries,
    );
    const events: ClaudeEvent[] = [];
    const run = wrapper.runStreaming('x');
    for await (const e of run) events.push(e);
    expect((await run.result).content).toBe('fine');
    expect(events.filter((e) => e.type === 'session_start')).toHaveLength(1);
    expect(runs(fake)).toHaveLength(2);
  });

  it('never retries once streamed output reached the caller', async () => {
    const { wrapper, fake } = await setup(
      { default: { kind: 'crash', afterLines: 6, signal: 'SIGKILL', text: 'partial answer that gets cut' } },
      fastRetries,
    );
    const deltas: string[] = [];
    const run = wrapper.runStreaming('x');
    await expect(
      (async () => {
        for await (const e of run) if (e.type === 'text_delta') deltas.push(e.text);
      })(),
    ).rejects.toBeInstanceOf(ClaudeCodeProcessError);
    expect(deltas.length).toBeGreaterThan(0);
    expect(runs(fake)).toHaveLength(1);
  });

  it('opens the circuit after repeated failures and fails fast without spawning', async () => {
    const { wrapper, fake } = await setup(
      { default: { kind: 'crash', signal: 'SIGKILL' } },
      { maxRetries: 0, circuitBreaker: { threshold: 2, halfOpenAfterMs: 60_000 } },
    );
    await expect(wrapper.run('x')).rejects.toBeInstanceOf(ClaudeCodeProcessError);
    await expect(wrapper.run('x')).rejects.toBeInstanceOf(ClaudeCodeProcessError);
    expect(wrapper.breakerState).toBe('open');
    const error = await wrapper.run('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaudeCodeCircuitOpenError);
    expect(runs(fake)).toHaveLength(2);
    expect((await wrapper.healthCheck()).breaker).toBe('open');
  });
});

describe('response cache', () => {
  it('answers the second identical call from cache with zero CLI spawns', async () => {
    const { wrapper, fake } = await setup(
      { default: { kind: 'reply', text: 'deterministic' } },
      { cache: { ttlMs: 60_000, store: 'memory' } },
    );
    const first = await wrapper.run('same prompt', { model: 'sonnet' });
    const second = await wrapper.run('same prompt', { model: 'sonnet' });
    expect(first.cached).toBeUndefined();
    expect(second).toMatchObject({ content: 'deterministic', cached: true, sessionId: first.sessionId });
    expect(runs(fake)).toHaveLength(1);
    await wrapper.run('same prompt', { model: 'opus' });
    await wrapper.run('other prompt', { model: 'sonnet' });
    expect(runs(fake)).toHaveLength(3);
    const metric = await wrapper.metricsRegistry.getSingleMetricAsString('claude_code_cache_requests_total');
    expect(metric).toContain('result="hit"} 1');
  });

  it('replays a cached streaming run as a stream', async () => {
    const { wrapper, fake } = await setup(
      { default: { kind: 'reply', chunks: ['a', 'b'] } },
      { cache: { ttlMs: 60_000, store: 'memory' } },
    );
    for await (const _ of wrapper.runStreaming('p')) void _;
    const deltas: string[] = [];
    const replay = wrapper.runStreaming('p');
    for await (const e of replay) if (e.type === 'text_delta') deltas.push(e.text);
    expect(deltas).toEqual(['a', 'b']);
    expect((await replay.result).cached).toBe(true);
    expect(runs(fake)).toHaveLength(1);
  });

  it('does not cache failures or resumed sessions, and survives a restart (file store)', async () => {
    const path = mkdtempSync(join(tmpdir(), 'ccw-cache-'));
    const { wrapper, fake } = await setup(
      { byInvocation: [{ kind: 'api_error', status: 400 }] },
      { cache: { ttlMs: 60_000, path } },
    );
    expect((await wrapper.run('q')).isError).toBe(true);
    expect((await wrapper.run('q')).isError).toBe(false);
    await wrapper.resumeSession('00000000-0000-4000-8000-000000000009', 'q');
    expect(runs(fake)).toHaveLength(3);
    await wrapper.close();
    const restarted = new ClaudeCodeWrapper({
      claudeBinary: fake.binary,
      env: fake.env,
      logLevel: 'silent',
      cache: { ttlMs: 60_000, path },
    });
    try {
      expect((await restarted.run('q')).cached).toBe(true);
      expect(runs(fake)).toHaveLength(3);
    } finally {
      await restarted.close();
    }
  });
});
