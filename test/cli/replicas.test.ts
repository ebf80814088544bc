/**
 * Three replicas of the proxy (built `serve` processes, a HOME each, one real Redis) behind a round
 * robin, as behind a load balancer: conversations and client tool loops hop between them on every
 * request, over the Messages API, chat completions and the Responses API, and one replica is
 * SIGKILLed in the middle of a conversation. Every hop must reach the model as separate turns
 * (never `flattened`), and a tool run left waiting on the replica that asked for the results must
 * end as soon as another answers them.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_MISSING, redisAvailable, startRedis } from '../fixtures/redis-server.js';
import { skipAllUnless } from '../support/skip-unless.js';
import { createHarness, ensureBuilt, eventually, isRunning, type CliHarness } from './helpers.js';
import {
  post,
  roundRobin,
  startReplica,
  stopReplicas,
  textOf,
  type Answer,
  type Replica,
} from './replicas.js';

let h: CliHarness;
let redis: { url: string; stop(): Promise<void> } | undefined;

beforeAll(async () => {
  if (!redisAvailable) return;
  ensureBuilt();
  h = await createHarness();
  redis = await startRedis();
});
afterEach(async () => {
  await stopReplicas();
  await h?.fake.setScenario({});
});
afterAll(async () => {
  await redis?.stop();
  await h?.cleanup();
});

/** Three fresh replicas A, B, C. */
async function threeReplicas(): Promise<Replica[]> {
  return Promise.all(['a', 'b', 'c'].map((name) => startReplica(h, name, redis!.url)));
}

/** The fake CLI run that was sent `prompt` (the latest). */
function runFor(prompt: string) {
  const run = h
    .prompts()
    .filter((invocation) => JSON.stringify(invocation.stdin).includes(prompt))
    .at(-1);
  if (run === undefined) throw new Error(`no CLI run got ${prompt}`);
  return run;
}

/** What the model was sent in the run that got `prompt`, as `role: text` lines. */
function modelTurns(prompt: string): string[] {
  const input = runFor(prompt).modelInputs.at(-1);
  return (input?.messages ?? []).map((message) => `${message.role}: ${textOf(message.content)}`);
}

type Turn = { role: 'user' | 'assistant'; content: string };

/** A conversation's turns as the model should get them, the new prompt last. */
function expectedTurns(history: readonly Turn[]): string[] {
  return history.map((turn) => `${turn.role}: ${turn.content}`);
}

const MESSAGES = { model: 'sonnet', max_tokens: 100 };

describe('three replicas on one Redis', () => {
  skipAllUnless(redisAvailable, REDIS_MISSING);

  it('continue a Messages conversation hopping A→B→C→A, each hop resumed with separate turns', async () => {
    const replicas = await threeReplicas();
    const next = roundRobin(replicas);
    const history: Turn[] = [];
    const contexts: (string | null)[] = [];
    for (let turn = 1; turn <= 4; turn += 1) {
      const prompt = `messages turn ${turn}`;
      history.push({ role: 'user', content: prompt });
      const answer = await post(next(), '/v1/messages', { ...MESSAGES, messages: history });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.warnings).toBeNull();
      contexts.push(answer.context);
      expect(modelTurns(prompt)).toEqual(expectedTurns(history));
      history.push({ role: 'assistant', content: textOf(answer.body['content']) });
    }
    expect(contexts).toEqual(['new', 'resumed', 'resumed', 'resumed']);
    // Each replica kept its CLI for the conversation's next turn, which went elsewhere: told so
    // through Redis, they ended them (not 5 minutes later); the last one still waits for turn 5.
    const pids = [1, 2, 3, 4].map((turn) => runFor(`messages turn ${turn}`).pid);
    expect(await eventually(() => pids.slice(0, 3).every((pid) => !isRunning(pid)), 5_000)).toBe(true);
    expect(isRunning(pids[3]!)).toBe(true);
  });

  it('continue a chat completions conversation and a Responses chain across replicas', async () => {
    const replicas = await threeReplicas();
    const next = roundRobin(replicas);
    const chat: Turn[] = [];
    const chatContexts: (string | null)[] = [];
    for (let turn = 1; turn <= 3; turn += 1) {
      const prompt = `chat turn ${turn}`;
      chat.push({ role: 'user', content: prompt });
      const answer = await post(next(), '/v1/chat/completions', { model: 'sonnet', messages: chat });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      chatContexts.push(answer.context);
      expect(modelTurns(prompt)).toEqual(expectedTurns(chat));
      const choices = answer.body['choices'] as { message: { content: string } }[];
      chat.push({ role: 'assistant', content: choices[0]!.message.content });
    }
    expect(chatContexts).toEqual(['new', 'resumed', 'resumed']);

    // previous_response_id names a response another replica gave: the stored responses are shared.
    const said: Turn[] = [];
    const responseContexts: (string | null)[] = [];
    let previous: string | undefined;
    for (let turn = 1; turn <= 3; turn += 1) {
      const prompt = `responses turn ${turn}`;
      said.push({ role: 'user', content: prompt });
      const answer = await post(next(), '/v1/responses', {
        model: 'sonnet',
        input: prompt,
        ...(previous === undefined ? {} : { previous_response_id: previous }),
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      responseContexts.push(answer.context);
      expect(modelTurns(prompt)).toEqual(expectedTurns(said));
      previous = answer.body['id'] as string;
      said.push({ role: 'assistant', content: answer.body['output_text'] as string });
    }
    expect(responseContexts).toEqual(['new', 'resumed', 'resumed']);
  });

  it('answer a Messages tool loop whose results land on another replica, and end the run left waiting', async () => {
    const replicas = await threeReplicas();
    const next = roundRobin(replicas);
    const tools = [
      { name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: {} } },
    ];
    await h.fake.setScenario({
      default: { kind: 'reply', clientToolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] },
    });
    const ask: Turn = { role: 'user', content: 'tool loop: weather in Paris?' };
    const first = await post(next(), '/v1/messages', { ...MESSAGES, tools, messages: [ask] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body['stop_reason']).toBe('tool_use');
    const waiting = runFor(ask.content);
    expect(isRunning(waiting.pid)).toBe(true);

    await h.fake.setScenario({});
    const content = first.body['content'] as { type: string; id?: string }[];
    const call = content.find((block) => block.type === 'tool_use')!;
    const results = {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny, 21C' }],
    };
    const second = await post(next(), '/v1/messages', {
      ...MESSAGES,
      tools,
      messages: [ask, { role: 'assistant', content }, results],
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body['stop_reason']).toBe('end_turn');
    expectAnsweredFromHistory(second, ask.content, 'sunny, 21C');
    // The run on A was told through Redis and stopped: its CLI is gone long before the 5-min deadline.
    expect(await eventually(() => !isRunning(waiting.pid), 5_000)).toBe(true);

    // The conversation goes on at the third replica.
    const third = await post(next(), '/v1/messages', {
      ...MESSAGES,
      tools,
      messages: [
        ask,
        { role: 'assistant', content },
        results,
        { role: 'assistant', content: second.body['content'] },
        { role: 'user', content: 'tool loop: and tomorrow?' },
      ],
    });
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.context).toBe('resumed');
  });

  it('answer a chat completions tool loop whose results land on another replica', async () => {
    const replicas = await threeReplicas();
    const next = roundRobin(replicas);
    const tools = [
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
    ];
    await h.fake.setScenario({
      default: { kind: 'reply', clientToolCalls: [{ name: 'get_time', input: { zone: 'UTC' } }] },
    });
    const ask = { role: 'user', content: 'chat tool loop: what time is it?' };
    const first = await post(next(), '/v1/chat/completions', { model: 'sonnet', tools, messages: [ask] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const choice = (
      first.body['choices'] as { finish_reason: string; message: Record<string, unknown> }[]
    )[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const waiting = runFor(ask.content);

    await h.fake.setScenario({});
    const calls = choice.message['tool_calls'] as { id: string }[];
    const second = await post(next(), '/v1/chat/completions', {
      model: 'sonnet',
      tools,
      messages: [ask, choice.message, { role: 'tool', tool_call_id: calls[0]!.id, content: '12:00' }],
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    const answered = (second.body['choices'] as { finish_reason: string }[])[0]!;
    expect(answered.finish_reason).toBe('stop');
    expectAnsweredFromHistory(second, ask.content, '12:00');
    expect(await eventually(() => !isRunning(waiting.pid), 5_000)).toBe(true);
  });

  it('answer a Responses tool loop whose function_call_output lands on another replica', async () => {
    const replicas = await threeReplicas();
    const next = roundRobin(replicas);
    const tools = [{ type: 'function', name: 'get_rate', parameters: { type: 'object', properties: {} } }];
    await h.fake.setScenario({
      default: { kind: 'reply', clientToolCalls: [{ name: 'get_rate', input: { pair: 'EURUSD' } }] },
    });
    const question = 'responses tool loop: EUR in USD?';
    const first = await post(next(), '/v1/responses', { model: 'sonnet', tools, input: question });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const call = (first.body['output'] as { type: string; call_id?: string }[]).find(
      (item) => item.type === 'function_call',
    );
    expect(call?.call_id).toBeTruthy();
    const waiting = runFor(question);

    await h.fake.setScenario({});
    const second = await post(next(), '/v1/responses', {
      model: 'sonnet',
      tools,
      previous_response_id: first.body['id'],
      input: [{ type: 'function_call_output', call_id: call!.call_id, output: '1.08' }],
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body['status']).toBe('completed');
    expectAnsweredFromHistory(second, question, '1.08');
    expect(await eventually(() => !isRunning(waiting.pid), 5_000)).toBe(true);
  });

  it('share the response cache: an answer cached by A is a hit on B, which runs no CLI', async () => {
    const [a, b] = await Promise.all(
      ['a', 'b'].map((name) => startReplica(h, name, redis!.url, {}, { cache: { ttlMs: 600_000 } })),
    );
    const body = { ...MESSAGES, messages: [{ role: 'user', content: 'cached on a replica' }] };
    const first = await post(a!, '/v1/messages', body);
    expect(first.status).toBe(200);
    const runs = h.prompts().length;
    const second = await post(b!, '/v1/messages', body);
    expect(second.status).toBe(200);
    expect(textOf(second.body['content'])).toBe(textOf(first.body['content']));
    expect(h.prompts()).toHaveLength(runs);
  });

  it('go on after a replica is SIGKILLed in the middle of a conversation', async () => {
    const replicas = await threeReplicas();
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    // A CLI's second turn is slow: B's process, kept after turn 2, is still answering turn 3 when it dies.
    await h.fake.setScenario({ turns: [{ kind: 'reply' }, { kind: 'reply', chunkDelayMs: 3_000 }] });
    const history: Turn[] = [{ role: 'user', content: 'kill turn 1' }];
    const first = await post(a, '/v1/messages', { ...MESSAGES, messages: history });
    history.push({ role: 'assistant', content: textOf(first.body['content']) });
    history.push({ role: 'user', content: 'kill turn 2' });
    const second = await post(b, '/v1/messages', { ...MESSAGES, messages: history });
    expect(second.context).toBe('resumed');
    history.push({ role: 'assistant', content: textOf(second.body['content']) });

    // Turn 3 goes to B, which dies while it answers: the client sees the connection drop.
    history.push({ role: 'user', content: 'kill turn 3' });
    const cut = post(b, '/v1/messages', { ...MESSAGES, stream: true, messages: history });
    expect(
      await eventually(() => h.prompts().some((run) => JSON.stringify(run.stdin).includes('kill turn 3'))),
    ).toBe(true);
    b.child.kill('SIGKILL');
    await expect(cut).rejects.toThrow();

    // The client retries elsewhere: C resumes B's session of turn 2 (stored in Redis before B answered it).
    const retried = await post(c, '/v1/messages', { ...MESSAGES, messages: history });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.context).toBe('resumed');
    expect(modelTurns('kill turn 3')).toEqual(expectedTurns(history));
    history.push({ role: 'assistant', content: textOf(retried.body['content']) });
    history.push({ role: 'user', content: 'kill turn 4' });
    const fourth = await post(a, '/v1/messages', { ...MESSAGES, messages: history });
    expect(fourth.status).toBe(200);
    expect(fourth.context).toBe('resumed');
  });

  it('answer the results of a tool run whose replica was SIGKILLed while it waited', async () => {
    const replicas = await threeReplicas();
    const [a, b] = replicas as [Replica, Replica, Replica];
    const tools = [
      { name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: {} } },
    ];
    await h.fake.setScenario({
      default: { kind: 'reply', clientToolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
    });
    const ask: Turn = { role: 'user', content: 'killed tool loop: weather in Oslo?' };
    const first = await post(a, '/v1/messages', { ...MESSAGES, tools, messages: [ask] });
    expect(first.body['stop_reason']).toBe('tool_use');
    a.child.kill('SIGKILL');
    await h.fake.setScenario({});
    const content = first.body['content'] as { type: string; id?: string }[];
    const call = content.find((block) => block.type === 'tool_use')!;
    const second = await post(b, '/v1/messages', {
      ...MESSAGES,
      tools,
      messages: [
        ask,
        { role: 'assistant', content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'snow' }] },
      ],
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expectAnsweredFromHistory(second, ask.content, 'snow');
  });

  it('rebuild a hop whose shared transcript is gone from Redis (synthesized, with a warning)', async () => {
    const replicas = await threeReplicas();
    const [a, b] = replicas as [Replica, Replica, Replica];
    const history: Turn[] = [{ role: 'user', content: 'lost transcript turn 1' }];
    const first = await post(a, '/v1/messages', { ...MESSAGES, messages: history });
    history.push({ role: 'assistant', content: textOf(first.body['content']) });
    history.push({ role: 'user', content: 'lost transcript turn 2' });
    const redisClient = new Redis(redis!.url);
    try {
      const keys = await redisClient.keys('ccw:transcript:*');
      expect(keys.length).toBeGreaterThan(0);
      await redisClient.del(...keys);
    } finally {
      redisClient.disconnect();
    }
    const second = await post(b, '/v1/messages', { ...MESSAGES, messages: history });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    // B resumed A's session, which its CLI did not have (the fake fails it as the real CLI does),
    // and rebuilt the history from the request instead.
    expect(second.context).toBe('synthesized');
    expect(second.warnings).toMatch(/not on this server; the history was rebuilt/);
    expect(modelTurns('lost transcript turn 2')).toEqual(expectedTurns(history));
  });
});

/**
 * A tool loop's results answered by a replica that never held the run: from the history, rebuilt as
 * a session whose last turn is the results (the model gets the call and the results as the blocks
 * they were, then the continuation note), never flattened into one prompt.
 */
function expectAnsweredFromHistory(answer: Answer, question: string, result: string): void {
  expect(answer.context).toBe('synthesized');
  const turns = modelTurns('The tool results above answer your tool calls');
  expect(turns[0]).toBe(`user: ${question}`);
  expect(turns.slice(-2)).toEqual([
    `user: [result] ${result}`,
    expect.stringMatching(/^user: <system-reminder>\nThe tool results above answer your tool calls/),
  ]);
  expect(turns.filter((turn) => turn.startsWith('assistant: '))).toHaveLength(1);
}
