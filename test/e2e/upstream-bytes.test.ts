/**
 * Nothing extra upstream (issue 15, item 3): what the real CLI sends the Messages API for a proxy
 * request, beyond the caller's own content. Without a `system` the real API gets no system prompt,
 * so the CLI must not send its ~7 KB agent prompt either: only what it cannot omit (its billing
 * header, one identity line and its environment note).
 */
import { describe, expect, it } from 'vitest';
import { UPSTREAM_BYTE_CASES } from '../fixtures/upstream-byte-cases.mjs';
import { upstreamCallsFor, useRealCliProxy } from './real-cli-proxy.js';

const proxy = useRealCliProxy();

/** The most the CLI may add to a request beyond the caller's JSON body. @unit bytes */
const BUDGET = 2048;

/** The upstream calls the fake API saw for one proxy request. */
const upstreamFor = (body: Record<string, unknown>) => upstreamCallsFor(proxy, body);

describe('upstream bytes per proxy request (real CLI)', () => {
  it.each(Object.entries(UPSTREAM_BYTE_CASES))(
    '%s: at most 2 KB beyond the caller’s content',
    async (_name, body) => {
      const calls = await upstreamFor(body);
      expect(calls).toHaveLength(1);
      const sent = JSON.stringify(calls[0]).length;
      const own = JSON.stringify(body).length;
      expect(sent - own).toBeLessThanOrEqual(BUDGET);
    },
  );

  it('sends no agent prompt without a system, and the caller’s system as given', async () => {
    const [bare] = await upstreamFor(UPSTREAM_BYTE_CASES['no system']);
    const system = JSON.stringify(bare?.['system']);
    expect(system).not.toContain('You are an agent working with the user');
    const [withSystem] = await upstreamFor(UPSTREAM_BYTE_CASES['one-line system']);
    expect(JSON.stringify(withSystem?.['system'])).toContain('Be brief.');
  });
});
