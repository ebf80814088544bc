/**
 * End-to-end, real CLI: the system prompt, its appendix and the JSON schema travel in the
 * `initialize` control request on stdin, so a prompt far beyond the 128 KiB argv limit works and
 * never shows in `/proc/<pid>/cmdline`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useRealCliWrappers } from './real-cli-proxy.js';

const real = useRealCliWrappers({ tools: [] });

/** The upstream `system` of the last Messages request, as one string. */
function upstreamSystem(): string {
  const body = real.api.messageRequests().at(-1)?.body as { system?: unknown } | undefined;
  return JSON.stringify(body?.system ?? null);
}

/** Command lines of every process on the machine whose argv mentions `needle`. */
function commandLinesWith(needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) found.push(cmdline.replaceAll('\0', ' ').slice(0, 200));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

describe('caller text is not on argv (real CLI)', () => {
  it('a 200 KB system prompt reaches the API and never the command line', async () => {
    const wrapper = await real.wrapper();
    const marker = `SYSPROMPT-${Date.now()}-`;
    const systemPrompt = marker + 'x'.repeat(200_000);
    // Slow first token: the CLI is alive (and its command line readable) while we look.
    real.api.enqueue({ kind: 'text', text: 'ok', ttftMs: 1500 });
    const run = wrapper.runStreaming('hello', { systemPrompt, appendSystemPrompt: 'APPENDED-TEXT' });
    let sawCli = false;
    let leaked: string[] = [];
    for await (const event of run) {
      if (event.type !== 'session_start') continue;
      sawCli = commandLinesWith('--input-format').some((c) => c.includes('stream-json'));
      leaked = commandLinesWith(marker).concat(commandLinesWith('APPENDED-TEXT'));
    }
    const response = await run.result;
    expect(response.isError).toBe(false);
    expect(response.content).toBe('ok');
    expect(sawCli).toBe(true);
    expect(leaked).toEqual([]);
    const system = upstreamSystem();
    expect(system).toContain(systemPrompt);
    expect(system).toContain('APPENDED-TEXT');
    await wrapper.close();
  });

  it('a session gets the system prompt, and a resumed one keeps it', async () => {
    const wrapper = await real.wrapper();
    const session = wrapper.session({ systemPrompt: 'SESSION-SYSTEM-PROMPT' });
    await session.ask('first');
    expect(upstreamSystem()).toContain('SESSION-SYSTEM-PROMPT');
    await session.close();
    // With --resume the CLI keeps the session's system prompt (2.1.330 ignores a new one, from
    // initialize and from --system-prompt alike); the resumed process must still send it.
    const resumed = wrapper.session({
      systemPrompt: 'SESSION-SYSTEM-PROMPT',
      resume: session.sessionId ?? '',
    });
    const before = real.api.messageRequests().length;
    await resumed.ask('second');
    expect(real.api.messageRequests().length).toBe(before + 1);
    expect(upstreamSystem()).toContain('SESSION-SYSTEM-PROMPT');
    await resumed.close();
    await wrapper.close();
  });

  it('a warm pooled process is initialised with the system prompt', async () => {
    const wrapper = await real.wrapper({ warmPool: { size: 1 } });
    await wrapper.prewarm({ systemPrompt: 'POOLED-SYSTEM-PROMPT' });
    const response = await wrapper.run('hi', { systemPrompt: 'POOLED-SYSTEM-PROMPT' });
    expect(response.isError).toBe(false);
    expect(wrapper.getPoolStats()?.handoffs).toBe(1);
    expect(upstreamSystem()).toContain('POOLED-SYSTEM-PROMPT');
    await wrapper.close();
  });

  it.each(['clear', 'rewind'] as const)(
    'a pooled process reused with %s keeps the system prompt',
    async (reuse) => {
      const wrapper = await real.wrapper({ warmPool: { size: 1, maxUses: 3, reuse } });
      const options = { systemPrompt: 'REUSED-SYSTEM-PROMPT' };
      await wrapper.prewarm(options);
      await wrapper.run('first', options);
      await expect.poll(() => wrapper.getPoolStats()?.reuses, { timeout: 10_000 }).toBe(1);
      await wrapper.run('second', options);
      expect(wrapper.getPoolStats()?.handoffs).toBe(2);
      expect(upstreamSystem()).toContain('REUSED-SYSTEM-PROMPT');
      await wrapper.close();
    },
  );

  it('structured output works with the schema sent in initialize', async () => {
    const wrapper = await real.wrapper();
    const jsonSchema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    };
    real.api.enqueue(
      { kind: 'tool_use', name: 'StructuredOutput', input: { city: 'Oslo' } },
      { kind: 'text', text: 'done' },
    );
    const response = await wrapper.run('where?', { jsonSchema });
    expect(response.structuredOutput).toEqual({ city: 'Oslo' });
    const tools = (real.api.messageRequests()[0]?.body as { tools?: Array<{ name: string }> }).tools ?? [];
    expect(tools.map((t) => t.name)).toContain('StructuredOutput');
    await wrapper.close();
  });
});
