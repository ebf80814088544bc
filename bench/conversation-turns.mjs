// Per-turn latency and CPU of a conversation through the proxy (issue 15 item 1) and through the
// library's `ClaudeCodeAnthropic`: turn 1 against turns 2+, with conversation affinity (the process
// that answered is kept and takes the next turn) and without it (each later turn resumes the CLI
// session in a new process with --resume --fork-session), each against a raw `claude -p` measured
// in the same run. Real CLI, fake
// Messages API with no latency. The systems are interleaved conversation by conversation (A, B,
// raw, A, B, raw...), with the same number of runs each.
// Latency: wall time of a non-streaming `POST /v1/messages` until the body is read. Raw `claude
// -p`: until its result line (as the library rows are timed), not until it exits. CPU: the
// whole process tree of this process (the proxies and clients run in it, with every CLI they start; exited
// CLIs counted through their parent) over the turn plus a fixed settle time after it.
//   npm run build && node bench/conversation-turns.mjs [--conversations N] [--turns K] [--settle-ms 250] [--json]
// Last results: bench/results/conversation-turns.md.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { ClaudeCodeAnthropic, createServer } from '../dist/index.js';
import { processTreeUsage } from '../dist/observability/process-tree.js';
import { startFakeApi } from '../test/fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary } from '../test/fixtures/real-cli.mjs';
import { markdownTable, ms, stats, timeProcess } from './lib.mjs';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '6' },
    turns: { type: 'string', default: '4' },
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

const api = await startFakeApi();
const cli = await makeCliEnv(api.url, { maxRetries: 2 });
const binary = realClaudeBinary();
const cliVersion = execFileSync(binary, ['--version'], { env: cli.env, encoding: 'utf8' }).trim();

/** A system under test: `ask(messages)` answers the conversation so far with `{ text, context }`. */
async function proxy(label, conversationProcesses) {
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    conversationProcesses,
    wrapper: { claudeBinary: binary, env: cli.env, logLevel: 'silent' },
  });
  const { url } = await server.listen();
  const ask = async (messages) => {
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 200, system: 'You are terse.', messages }),
    });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${label}: ${response.status} ${JSON.stringify(body)}`);
    return { text: body.content[0].text, context: response.headers.get('x-claude-code-context') };
  };
  return { label, ask, close: () => server.close(), turn: [[], []], cpu: [[], []], contexts: new Map() };
}

async function library(label, conversationProcesses) {
  const client = new ClaudeCodeAnthropic({
    claudeBinary: binary,
    env: cli.env,
    logLevel: 'silent',
    conversationProcesses,
  });
  const ask = async (messages) => {
    const message = await client.messages.create({
      model,
      max_tokens: 200,
      system: 'You are terse.',
      messages,
    });
    return { text: message.content[0].text, context: 'n/a' };
  };
  const close = async () => {
    await client.close();
  };
  return { label, ask, close, turn: [[], []], cpu: [[], []], contexts: new Map() };
}

const systems = [
  await proxy('proxy, conversation affinity (default)', 4),
  await proxy('proxy, resume per turn (`conversationProcesses: 0`)', 0),
  await library('`ClaudeCodeAnthropic`, `conversationProcesses: true`', true),
  await library('`ClaudeCodeAnthropic`, default (resume per turn)', false),
];
const raw = { label: 'raw `claude -p` (to its result line)', times: [], cpu: [] };

async function conversation(system, index) {
  const messages = [];
  for (let t = 0; t < turns; t += 1) {
    messages.push({ role: 'user', content: `conversation ${index} turn ${t + 1}` });
    const cpu = cpuNow();
    const started = performance.now();
    const { text, context } = await system.ask(messages);
    const elapsed = performance.now() - started;
    await sleep(settleMs);
    system.turn[t === 0 ? 0 : 1].push(elapsed);
    system.cpu[t === 0 ? 0 : 1].push(cpuNow() - cpu);
    system.contexts.set(context, (system.contexts.get(context) ?? 0) + 1);
    messages.push({ role: 'assistant', content: text });
  }
}

async function rawRun(index) {
  const cpu = cpuNow();
  const elapsed = await timeProcess(
    binary,
    ['-p', `raw ${index}`, '--output-format', 'stream-json', '--verbose', '--model', model, '--tools', ''],
    { env: cli.env, cwd: cli.cwd, until: 'result' },
  );
  await sleep(settleMs);
  raw.times.push(elapsed);
  raw.cpu.push(cpuNow() - cpu);
}

// Warm-up: one conversation each (first start-ups, page cache), not counted.
for (const system of systems) await conversation(system, -1);
for (const system of systems) {
  system.turn = [[], []];
  system.cpu = [[], []];
  system.contexts.clear();
}
await rawRun(-1);
raw.times.length = 0;
raw.cpu.length = 0;

for (let i = 0; i < conversations; i += 1) {
  for (const system of systems) await conversation(system, i);
  for (let t = 0; t < turns; t += 1) await rawRun(`${i}.${t}`);
}

const rawLatency = stats(raw.times).median;
const rawCpu = stats(raw.cpu).median;
const rows = [];
for (const system of systems) {
  for (const [which, label] of [
    [0, 'turn 1'],
    [1, `turns 2-${turns}`],
  ]) {
    const latency = stats(system.turn[which]);
    const cpu = stats(system.cpu[which]);
    rows.push([
      system.label,
      label,
      ms(latency.median),
      ms(latency.p95),
      (latency.median / rawLatency).toFixed(2),
      (cpu.median * 1000).toFixed(0),
      (cpu.median / rawCpu).toFixed(2),
      String(latency.n),
    ]);
  }
}
const rawStats = stats(raw.times);
rows.push([
  raw.label,
  'each',
  ms(rawStats.median),
  ms(rawStats.p95),
  '1.00',
  (rawCpu * 1000).toFixed(0),
  '1.00',
  String(rawStats.n),
]);

const contexts = systems
  .filter((s) => !s.contexts.has('n/a'))
  .map((s) => `${s.label}: ${[...s.contexts].map(([c, n]) => `${c} ${n}`).join(', ')}`);
if (values.json) {
  console.log(JSON.stringify({ rows, contexts, conversations, turns, settleMs }));
} else {
  console.log(
    `# Conversation turns through the proxy and ClaudeCodeAnthropic\n\n${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, real CLI ${cliVersion}, zero-latency fake Messages API.\n`,
  );
  console.log(
    markdownTable(
      ['system', 'turns', 'median ms', 'p95 ms', 'x raw', 'CPU ms (median)', 'CPU x raw', 'n'],
      rows,
    ),
  );
  console.log(
    `\n${conversations} conversations of ${turns} turns per system, interleaved with ${conversations * turns} raw runs; settle ${settleMs} ms after each turn.`,
  );
  for (const line of contexts) console.log(`- x-claude-code-context, ${line}`);
}

for (const system of systems) await system.close();
await api.close();
await cli.cleanup();
