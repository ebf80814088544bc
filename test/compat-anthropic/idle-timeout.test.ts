/**
 * Messages runs (proxy and ClaudeCodeAnthropic) give up on a silent CLI after 120 s unless the
 * operator or the request chose otherwise: a streaming client should get a clear error well before
 * the library's general 300 s.
 */
import { describe, expect, it } from 'vitest';
import type { RunOptions } from '../../src/client/run-options.js';
import type { ClaudeCodeWrapper } from '../../src/client/wrapper.js';
import { MESSAGES_IDLE_TIMEOUT_MS, startRun } from '../../src/gateway/serve-run.js';
import type { TranslatedRequest } from '../../src/compat/anthropic/translate-request.js';

/** A wrapper that records the options of the run it is asked to start. */
function recordingWrapper(config: Record<string, unknown>) {
  const seen: RunOptions[] = [];
  const run = { [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }) };
  const wrapper = {
    config,
    runStreaming: (_prompt: unknown, options: RunOptions) => {
      seen.push(options);
      return run;
    },
  } as unknown as ClaudeCodeWrapper;
  return { wrapper, seen };
}

const plan = { context: 'new' as const, prompt: [], warnings: [] };
const request = (runOptions: RunOptions) => ({ runOptions }) as unknown as TranslatedRequest;

describe('idle timeout of Messages runs', () => {
  it('defaults to 120 s', () => {
    const { wrapper, seen } = recordingWrapper({});
    startRun(wrapper, plan, request({ model: 'sonnet' }));
    expect(MESSAGES_IDLE_TIMEOUT_MS).toBe(120_000);
    expect(seen[0]).toMatchObject({ model: 'sonnet', idleTimeoutMs: 120_000 });
  });

  it('keeps what the wrapper configuration or the request sets', () => {
    const configured = recordingWrapper({ idleTimeoutMs: 400_000 });
    startRun(configured.wrapper, plan, request({}));
    expect(configured.seen[0]?.idleTimeoutMs).toBeUndefined(); // the wrapper's own 400 s applies
    const perRequest = recordingWrapper({});
    startRun(perRequest.wrapper, plan, request({ idleTimeoutMs: 5_000 }));
    expect(perRequest.seen[0]?.idleTimeoutMs).toBe(5_000);
  });
});
