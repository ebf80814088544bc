/**
 * Two replicas of the proxy over the real CLI (offline, fake Messages API), each with a CLI
 * environment of its own (HOME, so its own transcripts, as separate machines have), sharing one
 * real Redis through `redisUrl`. A conversation started on A continues on B as a resumed session:
 * B's API request holds A's recorded turns (not a rebuilt history), so its prefix is A's request,
 * as on one server. Client tool results that land on B are replayed as turns, and the run that
 * waited for them on A ends at once.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChildCount } from '../../src/process/child-registry.js';
import { createServer, type ProxyServer } from '../../src/http/server.js';
import type { RecordedRequest } from '../fixtures/fake-api.mjs';
import { startFakeApi, type FakeApi } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';
import { REDIS_MISSING, redisAvailable, startRedis } from '../fixtures/redis-server.js';
import { eventually } from '../integration/helpers.js';
import { skipAllUnless } from '../support/skip-unless.js';
import {
  allToolResults,
  bodyOf,
  CITY_SCHEMA,
  resultText,
  toolLoopBehavior,
} from '../tools/real-cli-helpers.js';

let api: FakeApi;
let redis: { url: string; stop(): Promise<void> } | undefined;
const clis: CliEnv[] = [];
const servers: ProxyServer[] = [];
let a: Anthropic;
let b: Anthropic;

beforeAll(async () => {
  if (!redisAvailable) return;
  api = await startFakeApi({ default: toolLoopBehavior });
  redis = await startRedis();
  const clients: Anthropic[] = [];
  for (let i = 0; i < 2; i += 1) {
    const cli = await makeCliEnv(api.url);
    clis.push(cli);
    const server = createServer({
      port: 0,
      redisUrl: redis.url,
      // Every CLI process ends with its answer: what is left alive afterwards is a waiting run.
      warmPoolSize: 0,
      conversationProcesses: 0,
      wrapper: { claudeBinary: realClaudeBinary(), env: cli.env, logLevel: 'silent', cliMaxRetries: 0 },
    });
    servers.push(server);
    const { url } = await server.listen();
    clients.push(new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 }));
  }
  [a, b] = clients as [Anthropic, Anthropic];
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await api?.close();
  await redis?.stop();
  await Promise.all(clis.map((cli) => cli.cleanup()));
});

const model = 'claude-sonnet-5-5';

/**
 * A request's messages as the API reads them: without the fields the CLI moves from turn to turn
 * (cache breakpoints, effort), string content as the one text block it stands for.
 */
function stable(request: RecordedRequest | undefined): unknown[] {
  return bodyOf(request).messages.map((message) => {
    const content =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    return JSON.parse(
      JSON.stringify({ role: message.role, content }, (key, value: unknown) =>
        key === 'cache_control' ? undefined : value,
      ),
    ) as unknown;
  });
}

describe('two replicas over the real CLI on one Redis', () => {
  skipAllUnless(redisAvailable, REDIS_MISSING);

  it('continue a conversation started on A as a resumed session on B, with A’s request as its prefix', async () => {
    api.reset();
    api.setDefault(toolLoopBehavior);
    const history: Anthropic.MessageParam[] = [{ role: 'user', content: 'Started on replica A' }];
    const first = await a.messages.create({ model, max_tokens: 100, messages: history });
    const onA = api.messageRequests().at(-1);
    history.push({ role: 'assistant', content: first.content });
    history.push({ role: 'user', content: 'Continued on replica B' });
    const { data: second, response } = await b.messages
      .create({ model, max_tokens: 100, messages: history })
      .withResponse();
    expect(response.headers.get('x-claude-code-context')).toBe('resumed');
    expect(second.content[0]).toMatchObject({ text: 'You said: Continued on replica B' });
    const onB = api.messageRequests().at(-1);
    // A's turn exactly as A sent it (its system notes and working directory included), then the rest.
    const prefix = stable(onA);
    expect(stable(onB).slice(0, prefix.length)).toEqual(prefix);
    const turns = bodyOf(onB).messages.filter((m) => m.role !== 'system');
    expect(turns.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('replay tool results that land on B as turns, and end the run that waited on A', async () => {
    api.reset();
    api.setDefault(toolLoopBehavior);
    const tools: Anthropic.Tool[] = [
      { name: 'get_weather', description: 'Weather', input_schema: CITY_SCHEMA },
    ];
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await a.messages.create({ model, max_tokens: 300, tools, messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    expect(liveChildCount()).toBe(1);
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    // The replay's last user turn is the continuation note, not the results: script its answer (by
    // content, not order: under load another call may reach the API first).
    const isReplay = (request: RecordedRequest) =>
      JSON.stringify(request.body).includes('The tool results above answer your tool calls');
    api.setDefault((request) =>
      isReplay(request) ? { kind: 'text', text: 'Final: sunny' } : toolLoopBehavior(request),
    );
    const { data: second, response } = await b.messages
      .create({
        model,
        max_tokens: 300,
        tools,
        messages: [
          question,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-claude-code-context')).toBe('synthesized');
    expect(second.content[0]).toMatchObject({ text: 'Final: sunny' });
    const replay = api.messageRequests().find(isReplay);
    expect(JSON.stringify(bodyOf(replay).messages)).toContain(`"type":"tool_use","id":"${call.id}"`);
    expect(allToolResults(replay).map(resultText)).toEqual(['sunny']);
    // A heard about it through Redis: its run and CLI are gone, long before the 5-minute deadline.
    expect(await eventually(() => liveChildCount() === 0, 15_000, 50)).toBe(true);
  });
});
