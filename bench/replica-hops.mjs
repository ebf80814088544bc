// What a conversation turn costs when it lands on another replica (issue 16 item 1): turns 2+ of
// conversations whose every turn goes to the next of three replicas (round robin), with the CLI
// session transcripts travelling through Redis (`redisUrl`, the default design: the hop is
// `resumed`) against the alternative of rebuilding the history from the request on every hop
// (replicas sharing nothing: `synthesized`), and against one server (kept process, and resume per
// turn). Real CLI, fake Messages API with no latency, a real redis-server; every replica has a
// CLI HOME of its own, as separate machines do, and all run in this process.
// Per hop: wall time of a non-streaming `POST /v1/messages`, CPU of the whole process tree, the
// Redis commands and the bytes the conversation keeps in Redis, and whether the upstream request
// kept the previous turn's request as its prefix (what the API's prompt cache needs).
//   npm run build && node bench/replica-hops.mjs [--conversations N] [--turns K] [--settle-ms 250] [--json]
// Last results: bench/results/replica-hops.md.
import { execFileSync, spawn } from 'node:child_process';
import { createServer as netServer } from 'node:net';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createServer } from '../dist/index.js';
import { processTreeUsage } from '../dist/observability/process-tree.js';
import { startFakeApi } from '../test/fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary } from '../test/fixtures/real-cli.mjs';
import { markdownTable, ms, stats } from './lib.mjs';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '6' },
    turns: { type: 'string', default: '5' },
    'settle-ms': { type: 'string', default: '250' },
    json: { type: 'boolean', default: false },
  },
});
const conversations = Number(values.conversations);
const turns = Number(values.turns);
const settleMs = Number(values['settle-ms']);
const model = 'claude-sonnet-5-5';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuNow = () => processTreeUsage(process.pid, { pss: false })?.cpuSeconds ?? 0;

async function freePort() {
  return new Promise((resolve) => {
    const server = netServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const redisPort = await freePort();
const redisProcess = spawn(
  'redis-server',
  ['--port', String(redisPort), '--save', '', '--appendonly', 'no'],
  {
    stdio: ['ignore', 'pipe', 'ignore'],
  },
);
await new Promise((resolve) =>
  redisProcess.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept') && resolve()),
);
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const redis = new Redis(redisUrl);

const api = await startFakeApi();
const binary = realClaudeBinary();
const envs = [];
async function cliEnv() {
  const env = await makeCliEnv(api.url, { maxRetries: 2 });
  envs.push(env);
  return env;
}
const cliVersion = execFileSync(binary, ['--version'], {
  env: (await cliEnv()).env,
  encoding: 'utf8',
}).trim();

async function server(options) {
  const cli = await cliEnv();
  const proxy = createServer({
    port: 0,
    warmPoolSize: 0,
    ...options,
    wrapper: { claudeBinary: binary, env: cli.env, logLevel: 'silent' },
  });
  const { url } = await proxy.listen();
  return { proxy, url };
}

async function system(label, count, options, shared) {
  const replicas = [];
  for (let i = 0; i < count; i += 1) replicas.push(await server(options));
  return {
    label,
    replicas,
    shared,
    hop: [],
    cpu: [],
    commands: [],
    perCommand: new Map(),
    bytes: [],
    prefixKept: 0,
    hops: 0,
    contexts: new Map(),
  };
}

const systems = [
  await system(
    '3 replicas, transcripts through Redis (`redisUrl`)',
    3,
    { redisUrl, conversationProcesses: 0 },
    true,
  ),
  await system('3 replicas, history rebuilt on each hop (nothing shared)', 3, {
    sessionStorePath: ':memory:',
    conversationProcesses: 0,
  }),
  await system('1 server, resume per turn (`conversationProcesses: 0`)', 1, {
    sessionStorePath: ':memory:',
    conversationProcesses: 0,
  }),
  await system('1 server, kept process (default)', 1, { sessionStorePath: ':memory:' }),
];

/** Calls per Redis command so far (this script's own INFO/MEMORY/KEYS excluded). */
async function commandCalls() {
  const info = await redis.info('commandstats');
  const calls = new Map();
  for (const match of info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)) {
    if (!['info', 'ping', 'client', 'hello', 'select', 'memory|usage', 'keys', 'strlen'].includes(match[1])) {
      calls.set(match[1], Number(match[2]));
    }
  }
  return calls;
}

/** Commands run between two {@link commandCalls} snapshots: total, and per command. */
function commandsBetween(before, after) {
  const each = new Map();
  for (const [name, count] of after) {
    const delta = count - (before.get(name) ?? 0);
    if (delta > 0) each.set(name, delta);
  }
  return { total: [...each.values()].reduce((sum, n) => sum + n, 0), each };
}

/** Bytes the shared state holds (transcripts, conversation map). */
async function sharedBytes() {
  let total = 0;
  for (const key of await redis.keys('ccw:*')) total += await redis.memory('USAGE', key);
  return total;
}

/** Messages of an upstream request as the API reads them (cache breakpoints dropped, strings as blocks). */
function stable(request) {
  return (request?.body?.messages ?? []).map((message) =>
    JSON.parse(
      JSON.stringify(
        {
          role: message.role,
          content:
            typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content,
        },
        (key, value) => (key === 'cache_control' ? undefined : value),
      ),
    ),
  );
}

/** Whether `next` starts with every message of `previous`. */
function keepsPrefix(previous, next) {
  const prefix = stable(previous);
  return JSON.stringify(stable(next).slice(0, prefix.length)) === JSON.stringify(prefix);
}

async function conversation(s, index, record) {
  const messages = [];
  let previousRequest;
  for (let t = 0; t < turns; t += 1) {
    const replica = s.replicas[t % s.replicas.length];
    messages.push({ role: 'user', content: `conversation ${index} turn ${t + 1}` });
    const [cpu, calls] = [cpuNow(), s.shared ? await commandCalls() : undefined];
    const started = performance.now();
    const response = await fetch(`${replica.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 200, system: 'You are terse.', messages }),
    });
    const body = await response.json();
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new Error(`${s.label}: ${response.status} ${JSON.stringify(body)}`);
    await sleep(settleMs);
    const upstream = api.messageRequests().at(-1);
    if (record && t > 0) {
      s.hop.push(elapsed);
      s.cpu.push(cpuNow() - cpu);
      s.hops += 1;
      if (keepsPrefix(previousRequest, upstream)) s.prefixKept += 1;
      if (s.shared) {
        const { total, each } = commandsBetween(calls, await commandCalls());
        s.commands.push(total);
        for (const [name, n] of each) s.perCommand.set(name, (s.perCommand.get(name) ?? 0) + n);
      }
      const context = response.headers.get('x-claude-code-context');
      s.contexts.set(context, (s.contexts.get(context) ?? 0) + 1);
    }
    previousRequest = upstream;
    messages.push({ role: 'assistant', content: body.content[0].text });
  }
}

// Warm-up: one conversation each, not counted.
for (const s of systems) await conversation(s, -1, false);
await redis.flushall();
let bytesBefore = 0;
for (let i = 0; i < conversations; i += 1) {
  for (const s of systems) {
    await conversation(s, i, true);
    if (s.shared) {
      const now = await sharedBytes();
      s.bytes.push(now - bytesBefore);
      bytesBefore = now;
    }
  }
}
const transcriptSizes = [];
for (const key of await redis.keys('ccw:transcript:*')) transcriptSizes.push(await redis.strlen(key));

const rows = systems.map((s) => {
  const latency = stats(s.hop);
  const cpu = stats(s.cpu);
  return [
    s.label,
    ms(latency.median),
    ms(latency.p95),
    (cpu.median * 1000).toFixed(0),
    s.shared ? stats(s.commands).median.toFixed(0) : '0',
    s.shared ? `${(stats(s.bytes).median / 1024).toFixed(1)} KiB` : '0',
    `${s.prefixKept}/${s.hops}`,
    [...s.contexts].map(([c, n]) => `${c} ${n}`).join(', '),
  ];
});
const sizes = stats(transcriptSizes);
const shared = systems.find((s) => s.shared);
const perCommand = [...shared.perCommand]
  .sort((x, y) => y[1] - x[1])
  .map(([name, n]) => `${name} ${(n / shared.hops).toFixed(1)}`)
  .join(', ');
const result = { rows, conversations, turns, settleMs, transcriptSizes: sizes, perCommand };
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `# Conversation turns hopping between replicas\n\n${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, real CLI ${cliVersion}, zero-latency fake Messages API, redis-server on loopback.\n`,
  );
  console.log(
    markdownTable(
      [
        'system (turns 2+)',
        'median ms',
        'p95 ms',
        'CPU ms (median)',
        'Redis commands per turn',
        'Redis memory per conversation',
        'upstream prefix kept',
        'x-claude-code-context',
      ],
      rows,
    ),
  );
  console.log(
    `\n${conversations} conversations of ${turns} turns per system (turn k on replica k mod 3), settle ${settleMs} ms after each turn. A stored transcript (gzip, base64): median ${(sizes.median / 1024).toFixed(1)} KiB, largest ${(Math.max(...transcriptSizes) / 1024).toFixed(1)} KiB (${transcriptSizes.length} stored, one per answered turn: every resume forks a new session).`,
  );
  console.log(
    `\nRedis commands per hop of the shared system, by command (all replica state, per-key usage included): ${perCommand}.`,
  );
}

for (const s of systems) for (const replica of s.replicas) await replica.proxy.close();
redis.disconnect();
redisProcess.kill();
await api.close();
for (const env of envs) await env.cleanup();
