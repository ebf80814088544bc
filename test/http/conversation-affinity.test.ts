/**
 * Conversation affinity through the proxy with the fake CLI: the process that answered a turn is
 * kept, and the next turn of exactly that conversation goes to it (no new process, no resume);
 * branches, races, other settings and evicted processes go the usual way (resume with a fork).
 * The fake echoes the previous prompt it saw in the same process, so an answer shows which process
 * served it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerOptionsInput } from '../../src/http/server-options.js';
import { eventually, isRunning } from '../integration/helpers.js';
import { ask, MODEL, withAnswer, type Answer, type Message } from './conversation-helpers.js';
import { cliRuns, isUserLine, startHarness, type Harness } from './server-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: ServerOptionsInput = {}): Promise<Harness> {
  harness = await startHarness({ echoHistory: true }, { conversationProcesses: 4, ...options });
  return harness;
}

function userTurns(stdin: unknown[]): string[] {
  return stdin.filter(isUserLine).map((line) => {
    const content = (line as { message: { content: unknown } }).message.content;
    return typeof content === 'string'
      ? content
      : (content as Array<{ text?: string }>).map((block) => block.text ?? '').join('');
  });
}

describe('conversation affinity', () => {
  it('sends turns 2 and 3 to the process that answered turn 1: no new process, no resume', async () => {
    const h = await start();
    let messages: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, messages);
    expect(one).toMatchObject({
      status: 200,
      context: 'new',
      text: 'fake reply 1 to: first | previous: none',
    });
    messages = withAnswer(messages, one, 'second');
    const two = await ask(h, messages);
    expect(two).toMatchObject({ context: 'continued', text: 'fake reply 2 to: second | previous: first' });
    // The same CLI session goes on (no fork): the header names it again.
    expect(two.sessionId).toBe(one.sessionId);
    messages = withAnswer(messages, two, 'third');
    const three = await ask(h, messages);
    expect(three).toMatchObject({ context: 'continued', text: 'fake reply 3 to: third | previous: second' });

    const runs = cliRuns(h.fake);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.argv).not.toContain('--resume');
    expect(userTurns(runs[0]?.stdin ?? [])).toEqual(['first', 'second', 'third']);
  });

  it('resumes a branch from an earlier turn at that turn, and the kept process stays with its own conversation', async () => {
    const h = await start();
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first);
    const two = await ask(h, withAnswer(first, one, 'second'));
    expect(two.context).toBe('continued');
    // Edit turn 2: the history is [first, answer 1] again, whose process went on to turn 2.
    const branch = await ask(h, withAnswer(first, one, 'second, edited'));
    expect(branch).toMatchObject({
      context: 'resumed',
      text: 'fake reply 1 to: second, edited | previous: none',
    });
    const resumed = cliRuns(h.fake).at(-1);
    expect(resumed?.argv).toEqual(expect.arrayContaining(['--resume', one.sessionId, '--fork-session']));
    // Up to turn 1's answer only: the session itself went on to turn 2 in the kept process.
    const at = resumed?.argv[(resumed?.argv.indexOf('--resume-session-at') ?? -2) + 1];
    expect(at).toMatch(/^[0-9a-f-]{36}$/);
    // The original line still continues in its own process.
    const three = await ask(h, withAnswer(withAnswer(first, one, 'second'), two, 'third'));
    expect(three).toMatchObject({ context: 'continued', text: 'fake reply 3 to: third | previous: second' });
  });

  it('gives the kept process to one of two racing continuations; the other resumes with a fork', async () => {
    const h = await start();
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first);
    const [a, b] = await Promise.all([
      ask(h, withAnswer(first, one, 'racer A')),
      ask(h, withAnswer(first, one, 'racer B')),
    ]);
    expect([a.context, b.context].sort()).toEqual(['continued', 'resumed']);
    const continued = a.context === 'continued' ? a : b;
    const resumed = a.context === 'continued' ? b : a;
    expect(continued.text).toMatch(/previous: first$/);
    expect(resumed.text).toMatch(/previous: none$/);
    expect(resumed.sessionId).not.toBe(continued.sessionId);
    expect(cliRuns(h.fake)).toHaveLength(2);
  });

  it('keeps another conversation apart: it never gets a kept process', async () => {
    const h = await start();
    const secret = await ask(h, [{ role: 'user', content: 'secret of A' }]);
    expect(secret.context).toBe('new');
    // B: a new conversation, and a history this server never answered.
    const b1 = await ask(h, [{ role: 'user', content: 'question of B' }]);
    const b2 = await ask(h, [
      { role: 'user', content: 'imported' },
      { role: 'assistant', content: 'imported answer' },
      { role: 'user', content: 'question of B again' },
    ]);
    expect(b1.text).toBe('fake reply 1 to: question of B | previous: none');
    expect(b2.context).toBe('synthesized');
    expect(b2.text).not.toContain('secret of A');
    const served = cliRuns(h.fake).filter((run) => userTurns(run.stdin).includes('secret of A'));
    expect(served).toHaveLength(1);
    expect(userTurns(served[0]?.stdin ?? [])).toEqual(['secret of A']);
  });

  it('resumes when the next turn runs with other settings, and ends the kept process', async () => {
    const h = await start();
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first);
    const pid = cliRuns(h.fake)[0]?.pid ?? -1;
    // max_tokens is fixed when the CLI starts (its environment).
    const two = await ask(h, withAnswer(first, one, 'second'), { max_tokens: 321 });
    expect(two).toMatchObject({ context: 'resumed', text: 'fake reply 1 to: second | previous: none' });
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('resumes the session in a fresh process when the kept one dies before answering', async () => {
    // The kept process crashes on its second turn before writing anything; a new one answers.
    harness = await startHarness(
      { echoHistory: true, turns: [{ kind: 'reply' }, { kind: 'crash', afterLines: 0 }] },
      { conversationProcesses: 4 },
    );
    const h = harness;
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first);
    const two = await ask(h, withAnswer(first, one, 'second'));
    expect(two).toMatchObject({
      status: 200,
      context: 'resumed',
      text: 'fake reply 1 to: second | previous: none',
    });
    const runs = cliRuns(h.fake);
    expect(runs).toHaveLength(2);
    expect(runs[1]?.argv).toEqual(expect.arrayContaining(['--resume', one.sessionId, '--fork-session']));
  });

  it('continues a conversation with client tools only with the same tools', async () => {
    const h = await start();
    const tool = (name: string) => ({
      name,
      description: name,
      input_schema: { type: 'object', properties: {} },
    });
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first, { tools: [tool('lookup')] });
    expect(one.context).toBe('new');
    // Another tool set: the kept process has the first one registered, so the session is resumed.
    const other = await ask(h, withAnswer(first, one, 'second'), { tools: [tool('lookup'), tool('other')] });
    expect(other).toMatchObject({ context: 'resumed', text: 'fake reply 1 to: second | previous: none' });
    const two: Message[] = [{ role: 'user', content: 'again' }];
    const a1 = await ask(h, two, { tools: [tool('lookup')] });
    const a2 = await ask(h, withAnswer(two, a1, 'same tools'), { tools: [tool('lookup')] });
    expect(a2).toMatchObject({ context: 'continued', text: 'fake reply 2 to: same tools | previous: again' });
  });

  it('keeps at most conversationProcesses, least recently kept out first', async () => {
    const h = await start({ conversationProcesses: 1 });
    const a: Message[] = [{ role: 'user', content: 'conversation A' }];
    const b: Message[] = [{ role: 'user', content: 'conversation B' }];
    const a1 = await ask(h, a);
    const aPid = cliRuns(h.fake)[0]?.pid ?? -1;
    const b1 = await ask(h, b);
    expect(await eventually(() => !isRunning(aPid))).toBe(true);
    expect((await ask(h, withAnswer(b, b1, 'B again'))).context).toBe('continued');
    // A's answer now takes the one place (B's process is ended in turn).
    expect((await ask(h, withAnswer(a, a1, 'A again'))).context).toBe('resumed');
    expect(h.server.options.conversationProcesses).toBe(1);
  });

  it('ends a kept process after conversationIdleMs', async () => {
    const h = await start({ conversationIdleMs: 200 });
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first);
    const pid = cliRuns(h.fake)[0]?.pid ?? -1;
    expect(await eventually(() => !isRunning(pid), 3000)).toBe(true);
    expect((await ask(h, withAnswer(first, one, 'second'))).context).toBe('resumed');
  });

  it('does not keep a process whose answer the caller got cut (stop sequence)', async () => {
    const h = await start();
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first, { stop_sequences: ['to:'] });
    expect(one.text).toBe('fake reply 1 ');
    const two = await ask(h, withAnswer(first, one, 'second'));
    expect(two.context).not.toBe('continued');
  });

  it('shows kept processes in /metrics and /health/details, and kills them on close', async () => {
    const h = await start();
    const first: Message[] = [{ role: 'user', content: 'first' }];
    const one = await ask(h, first);
    await ask(h, withAnswer(first, one, 'second'));
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^claude_wrapper_conversation_processes 1$/m);
    expect(metrics).toMatch(/^claude_wrapper_conversation_continuations_total 1$/m);
    expect(metrics).toMatch(/^claude_wrapper_conversation_process_bytes [1-9]\d*$/m);
    const details = (await (await fetch(`${h.url}/health/details`)).json()) as {
      conversationProcesses: { kept: number; continuations: number };
    };
    expect(details.conversationProcesses).toMatchObject({ kept: 1, continuations: 1 });
    const pid = cliRuns(h.fake)[0]?.pid ?? -1;
    expect(isRunning(pid)).toBe(true);
    await h.server.close();
    expect(isRunning(pid)).toBe(false);
  });

  it('continues through the OpenAI chat API and the Responses API (previous_response_id)', async () => {
    const h = await start();
    const chat = async (messages: Message[]): Promise<Answer> => {
      const response = await fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages }),
      });
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      return {
        status: response.status,
        text: body.choices[0]?.message.content ?? '',
        context: response.headers.get('x-claude-code-context'),
        sessionId: response.headers.get('x-claude-session-id'),
      };
    };
    const first: Message[] = [{ role: 'user', content: 'chat one' }];
    const one = await chat(first);
    expect(await chat(withAnswer(first, one, 'chat two'))).toMatchObject({
      context: 'continued',
      text: 'fake reply 2 to: chat two | previous: chat one',
    });

    const respond = async (body: Record<string, unknown>) => {
      const response = await fetch(`${h.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, ...body }),
      });
      const json = (await response.json()) as { id: string; output_text?: string; output: unknown[] };
      return { json, context: response.headers.get('x-claude-code-context') };
    };
    const r1 = await respond({ input: 'responses one' });
    expect(r1.context).toBe('new');
    const r2 = await respond({ input: 'responses two', previous_response_id: r1.json.id });
    expect(r2.context).toBe('continued');
    expect(JSON.stringify(r2.json.output)).toContain(
      'fake reply 2 to: responses two | previous: responses one',
    );
  });
});
