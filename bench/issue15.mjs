// Issue 15 item 5: every row of "every turn fast" in one run, each as a ratio to a raw `claude -p`
// measured in the same run. Real CLI, fake Messages API with no latency, `claude-wrapper serve`
// in its own process (dist/cli/main.js), twice: with its defaults and with the reuse configuration
// the README gives for one-shot traffic. Rows:
//   - a 4-turn and a 20-turn conversation: through both proxies, with `claude -p --resume <id>` per
//     turn, and (when bench/node_modules holds it) the official Agent SDK's streaming-input session
//     (one query() whose prompt is an async iterable); turn 1 against turns 2+, latency and CPU
//   - sequential back-to-back independent requests (share served warm, median, p95)
//   - a mixed-configuration stream (3 system prompts x 2 models, alternating)
//   - upstream bytes per request (no system, one-line system, tools, multi-turn; the fake API
//     records every body) against raw `claude -p`'s own request
// Method: systems interleaved A, B, C... round by round (start order rotated), the same number
// of runs each; raw `claude -p` timed to its result line, not its exit. CPU: the serve process's
// whole tree (processTreeUsage; exited CLIs counted through their parent) over the request plus a
// settle time; raw and `--resume` runs: this process's reaped children (cutime + cstime) after
// exit; SDK: the SDK's CLI child (this process's tree minus itself and the two servers).
//   npm run build && node bench/issue15.mjs [--rounds4 4] [--rounds20 2] [--seq 10] [--blocks 2]
//                                           [--mixed 12] [--settle-ms 250] [--out issue15.md]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { processTreeUsage } from '../dist/index.js';
import { startFakeApi } from '../test/fixtures/fake-api.mjs';
import { UPSTREAM_BYTE_CASES } from '../test/fixtures/upstream-byte-cases.mjs';
import { makeCliEnv, realClaudeBinary } from '../test/fixtures/real-cli.mjs';
import { markdownTable, ms, startServe, stats } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds4: { type: 'string', default: '4' },
    rounds20: { type: 'string', default: '2' },
    seq: { type: 'string', default: '10' },
    blocks: { type: 'string', default: '2' },
    mixed: { type: 'string', default: '12' },
    'settle-ms': { type: 'string', default: '250' },
    out: { type: 'string', default: 'issue15.md' },
  },
});
const settleMs = Number(values['settle-ms']);
const here = new URL('.', import.meta.url).pathname;
const model = 'claude-sonnet-5-5';
const system = 'You are terse.';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => process.stderr.write(`${line}\n`);
const binary = realClaudeBinary();

/** CPU seconds of a /proc stat line's fields from `first` (utime) on, two fields summed. */
function statCpu(pid, first) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[first]) + Number(fields[first + 1])) / 100;
}
/** CPU of this process's reaped children (raw and --resume runs, SDK CLIs once exited). */
const childrenCpu = () => statCpu('self', 13);

const api = await startFakeApi();
const cli = await makeCliEnv(api.url, { maxRetries: 2 });
const cliVersion = execFileSync(binary, ['--version'], { env: cli.env, encoding: 'utf8' }).trim();

/** `claude-wrapper serve` in its own process; `config` (JSON) through CLAUDE_CONFIG_PATH. */
async function startProxy(label, config) {
  const serve = await startServe({ cli, binary, config });
  return { ...serve, label, cpu: () => processTreeUsage(serve.pid, { pss: false })?.cpuSeconds ?? 0 };
}

const reuseConfig = {
  warmPool: { size: 4, maxUses: 100, reuse: 'clear' },
  server: { conversationProcesses: 0 },
};
const proxies = [
  await startProxy('proxy, `serve` defaults'),
  await startProxy('proxy, reuse config', reuseConfig),
];
await sleep(3000);

/** One non-streamed /v1/messages request; latency to the full body and the serve tree's CPU. */
async function ask(proxy, body) {
  const cpu = proxy.cpu();
  const started = performance.now();
  const response = await fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 200, ...body }),
  });
  const json = await response.json();
  const latency = performance.now() - started;
  if (response.status !== 200) throw new Error(`${proxy.label}: ${response.status} ${JSON.stringify(json)}`);
  await sleep(settleMs);
  return {
    latency,
    cpu: proxy.cpu() - cpu,
    text: json.content[0].text,
    context: response.headers.get('x-claude-code-context'),
  };
}

/** One `claude -p` run timed to its result line; CPU after it exits (plus the settle time). */
async function claudeP(prompt, extra = []) {
  const cpu = childrenCpu();
  const started = performance.now();
  const child = spawn(
    binary,
    ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--model', model, '--tools', '', ...extra],
    { env: cli.env, cwd: cli.cwd, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let latency;
  let sessionId;
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk.toString();
    let idx;
    while ((idx = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 1);
      if (latency === undefined && line.includes('"type":"result"')) {
        latency = performance.now() - started;
        sessionId = JSON.parse(line).session_id;
      }
    }
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (latency === undefined) throw new Error(`claude -p exited with ${code} without a result line`);
  await sleep(settleMs);
  return { latency, cpu: childrenCpu() - cpu, sessionId };
}

const raw = { label: 'raw `claude -p` (to its result line)', latency: [], cpu: [] };
async function rawRun(tag) {
  const run = await claudeP(`raw ${tag}`);
  raw.latency.push(run.latency);
  raw.cpu.push(run.cpu);
}

// The official Agent SDK, if `npm --prefix bench install` has been run.
const sdkPath = `${here}node_modules/@anthropic-ai/claude-agent-sdk/sdk.mjs`;
const sdk = existsSync(sdkPath) ? await import(sdkPath) : undefined;
const sdkCpu = () =>
  (processTreeUsage(process.pid, { pss: false })?.cpuSeconds ?? 0) -
  statCpu('self', 11) -
  proxies.reduce((sum, p) => sum + p.cpu(), 0);

/** A conversation of `turns` turns; `send(t, messages)` answers turn t (0-based). */
function conversationSystems(turns) {
  const perTurn = (label, send) => ({
    label,
    turns: [[], []],
    cpu: [[], []],
    later: [],
    contexts: new Map(),
    send,
  });
  const list = proxies.map((proxy) =>
    perTurn(proxy.label, async (index) => {
      const messages = [];
      const out = [];
      for (let t = 0; t < turns; t += 1) {
        messages.push({ role: 'user', content: `conversation ${index} turn ${t + 1}` });
        const r = await ask(proxy, { system, messages });
        messages.push({ role: 'assistant', content: r.text });
        out.push(r);
      }
      return out;
    }),
  );
  list.push(
    perTurn('`claude -p --resume <id>` per turn', async (index) => {
      const out = [];
      let sessionId;
      for (let t = 0; t < turns; t += 1) {
        const extra = ['--system-prompt', system, ...(sessionId ? ['--resume', sessionId] : [])];
        const r = await claudeP(`conversation ${index} turn ${t + 1}`, extra);
        sessionId = r.sessionId;
        out.push({ ...r, context: t === 0 ? 'new' : 'resumed' });
      }
      return out;
    }),
  );
  if (sdk) {
    list.push(
      perTurn('official SDK, streaming-input `query()`', async (index) => {
        const out = [];
        let answered = () => {};
        let started = 0;
        let cpu = 0;
        async function* prompts() {
          for (let t = 0; t < turns; t += 1) {
            const done = new Promise((resolve) => (answered = resolve));
            cpu = sdkCpu();
            started = performance.now();
            yield {
              type: 'user',
              message: { role: 'user', content: `conversation ${index} turn ${t + 1}` },
              parent_tool_use_id: null,
              session_id: '',
            };
            await done;
          }
        }
        const q = sdk.query({
          prompt: prompts(),
          options: {
            pathToClaudeCodeExecutable: binary,
            env: cli.env,
            cwd: cli.cwd,
            model,
            tools: [],
            systemPrompt: system,
          },
        });
        for await (const message of q) {
          if (message.type !== 'result') continue;
          const latency = performance.now() - started;
          await sleep(settleMs);
          out.push({ latency, cpu: sdkCpu() - cpu, context: out.length === 0 ? 'new' : 'streamed' });
          if (out.length === turns) break;
          answered();
        }
        q.return?.();
        return out;
      }),
    );
  }
  return list;
}

/** Rounds of one conversation per system, start order rotated, `turns` raw runs per round. */
async function conversations(turns, rounds) {
  const list = conversationSystems(turns);
  // Warm-up (first start-ups, page cache, the pool's first configuration): not counted.
  for (const s of list) await s.send(-1);
  await rawRun('warm-up');
  raw.latency.pop();
  raw.cpu.pop();
  const rawBefore = raw.latency.length;
  for (let r = 0; r < rounds; r += 1) {
    const order = list.map((_, i) => list[(i + r) % list.length]);
    for (const s of order) {
      const out = await s.send(r);
      out.forEach((turn, t) => {
        s.turns[t === 0 ? 0 : 1].push(turn.latency);
        s.cpu[t === 0 ? 0 : 1].push(turn.cpu);
        if (t >= 2) s.later.push(turn);
        s.contexts.set(turn.context, (s.contexts.get(turn.context) ?? 0) + 1);
      });
    }
    for (let t = 0; t < turns; t += 1) await rawRun(`${turns}.${r}.${t}`);
    log(`${turns}-turn round ${r + 1}/${rounds} done`);
  }
  return { list, rawLatency: raw.latency.slice(rawBefore), rawCpu: raw.cpu.slice(rawBefore) };
}

const conv4 = await conversations(4, Number(values.rounds4));
const conv20 = await conversations(20, Number(values.rounds20));

/** Blocks of back-to-back requests per proxy (start order rotated), a raw block between. */
async function streamRows(name, count, bodyFor, warmUps = 2) {
  const rows = proxies.map((proxy) => ({
    proxy,
    latency: [],
    warm: 0,
    recycled: 0,
    waited: 0,
    misses: 0,
    total: 0,
  }));
  const rawLatency = [];
  const rawCpu = [];
  // Untimed warm-up: the pool starts spares only for a configuration it has seen twice.
  for (const row of rows)
    for (let i = 0; i < warmUps; i += 1)
      await fetch(`${row.proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(bodyFor(i, -1)),
      }).then((r) => r.json());
  for (let b = 0; b < Number(values.blocks); b += 1) {
    const order = rows.map((_, i) => rows[(i + b) % rows.length]);
    for (const row of order) {
      const before = await row.proxy.pool();
      for (let i = 0; i < count; i += 1) {
        const started = performance.now();
        const response = await fetch(`${row.proxy.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(bodyFor(i, b)),
        });
        await response.json();
        if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}`);
        row.latency.push(performance.now() - started);
      }
      const after = await row.proxy.pool();
      // Warm: handed a ready process; a hand-off that waited for one still starting or being reset
      // (/clear) is counted apart.
      row.warm += after.handoffs - after.waits - (before.handoffs - before.waits);
      // Of those, processes kept for another conversation, rewound (kept-process-donor.ts).
      row.recycled += (after.recycled ?? 0) - (before.recycled ?? 0);
      row.waited += after.waits - before.waits;
      row.misses += after.misses - before.misses;
      row.total += count;
    }
    for (let i = 0; i < count; i += 1) {
      const run = await claudeP(`raw ${name} ${b}.${i}`);
      rawLatency.push(run.latency);
      rawCpu.push(run.cpu);
    }
    log(`${name} block ${b + 1}/${values.blocks} done`);
  }
  return { rows, rawLatency };
}

const sequential = await streamRows('sequential', Number(values.seq), (i, b) => ({
  model,
  max_tokens: 64,
  messages: [{ role: 'user', content: `independent request ${b}.${i}` }],
}));
const mixedConfigs = [
  { system: 'You are terse.', model: 'claude-sonnet-5-5' },
  { system: 'Answer in French.', model: 'claude-haiku-5-5' },
  { system: 'You are a careful reviewer.', model: 'claude-sonnet-5-5' },
];
const mixed = await streamRows(
  'mixed',
  Number(values.mixed),
  (i, b) => ({
    ...mixedConfigs[i % mixedConfigs.length],
    max_tokens: 64,
    messages: [{ role: 'user', content: `mixed request ${b}.${i}` }],
  }),
  2 * mixedConfigs.length,
);

// Upstream bytes: what the fake API received for one request, against the caller's own JSON.
const upstreamSince = (from) =>
  api.requests
    .slice(from)
    .filter((r) => r.method === 'POST' && r.path.split('?')[0].replace(/\/+$/, '') === '/v1/messages')
    .map((r) => JSON.stringify(r.body).length);
let from = api.requests.length;
await claudeP('hello there');
const rawBytes = Math.max(...upstreamSince(from));
const byteRows = [];
for (const [name, body] of Object.entries(UPSTREAM_BYTE_CASES)) {
  from = api.requests.length;
  await ask(proxies[0], { ...body, max_tokens: 100 });
  const sent = upstreamSince(from);
  const own = JSON.stringify({ model, max_tokens: 100, ...body }).length;
  byteRows.push({ name, sent: Math.max(...sent), calls: sent.length, own });
}

for (const proxy of proxies) await proxy.stop();
await api.close();
await cli.cleanup();

// Tables.
const ratio = (a, b) => (a / b).toFixed(2);
function conversationTable({ list, rawLatency, rawCpu }, turns) {
  const rl = stats(rawLatency).median;
  const rc = stats(rawCpu).median;
  const rows = [];
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const rcMean = mean(rawCpu);
  for (const s of list) {
    for (const [latencies, cpu, label] of [
      [s.turns[0], s.cpu[0], 'turn 1'],
      [s.turns[1], s.cpu[1], `turns 2-${turns}`],
      [s.later.map((x) => x.latency), s.later.map((x) => x.cpu), `turns 3-${turns}`],
    ]) {
      const l = stats(latencies);
      const c = stats(cpu);
      rows.push([
        s.label,
        label,
        ms(l.median),
        ms(l.p95),
        ratio(l.median, rl),
        (c.median * 1000).toFixed(0),
        ratio(c.median, rc),
        `${(mean(cpu) * 1000).toFixed(0)} (${ratio(mean(cpu), rcMean)})`,
        String(l.n),
      ]);
    }
  }
  const r = stats(rawLatency);
  rows.push([
    raw.label,
    'each',
    ms(r.median),
    ms(r.p95),
    '1.00',
    (rc * 1000).toFixed(0),
    '1.00',
    `${(rcMean * 1000).toFixed(0)} (1.00)`,
    String(r.n),
  ]);
  const contexts = list.map((s) => `${s.label}: ${[...s.contexts].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  return [
    markdownTable(
      [
        'system',
        'turns',
        'median ms',
        'p95 ms',
        'x raw',
        'CPU ms (median)',
        'CPU x raw',
        'CPU ms mean (x raw)',
        'n',
      ],
      rows,
    ),
    '',
    ...contexts.map((c) => `- how turns reached the CLI, ${c}`),
  ].join('\n');
}
function streamTable({ rows, rawLatency }) {
  const r = stats(rawLatency);
  const pct = (n, row) => `${Math.round((100 * n) / row.total)}%`;
  return markdownTable(
    [
      'system',
      'ready process',
      'of which a kept one, rewound',
      'waited (starting or resetting)',
      'cold',
      'median ms',
      'p95 ms',
      'x raw (median)',
      'x raw (p95 / raw p95)',
      'n',
    ],
    [
      ...rows.map((row) => {
        const l = stats(row.latency);
        return [
          row.proxy.label,
          pct(row.warm, row),
          pct(row.recycled, row),
          pct(row.waited, row),
          pct(row.total - row.warm - row.waited, row),
          ms(l.median),
          ms(l.p95),
          ratio(l.median, r.median),
          ratio(l.p95, r.p95),
          String(l.n),
        ];
      }),
      [raw.label, '', '', '', '100%', ms(r.median), ms(r.p95), '1.00', '1.00', String(r.n)],
    ],
  );
}
const bytesTable = markdownTable(
  ['request', 'caller JSON bytes', 'upstream bytes', 'beyond caller', 'x raw `claude -p`', 'upstream calls'],
  [
    ...byteRows.map((b) => [
      b.name,
      String(b.own),
      String(b.sent),
      String(b.sent - b.own),
      ratio(b.sent, rawBytes),
      String(b.calls),
    ]),
    ['raw `claude -p "hello there"`', '', String(rawBytes), '', '1.00', ''],
  ],
);

const markdown = [
  '# Issue 15: every turn fast (bench/issue15.mjs)',
  '',
  `${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores (shared with other work), real CLI ${cliVersion}, zero-latency fake Messages API. Proxies: \`claude-wrapper serve\` in its own process, "defaults" with no config, "reuse config" with \`${JSON.stringify(reuseConfig)}\` (the README's one-shot configuration). Latency: non-streamed \`POST /v1/messages\` until the body is read; \`claude -p\` until its result line. CPU: serve's whole process tree over the request plus ${settleMs} ms; \`claude -p\` runs after exit. Systems interleaved round by round (start order rotated), same number of runs each.${sdk ? '' : ' Official SDK row not measured: bench/node_modules is not installed (`npm --prefix bench install`).'}`,
  '',
  `## 4-turn conversation (${values.rounds4} conversations per system)`,
  '',
  conversationTable(conv4, 4),
  '',
  `## 20-turn conversation (${values.rounds20} conversations per system)`,
  '',
  conversationTable(conv20, 20),
  '',
  `## Sequential back-to-back independent requests (${values.blocks} blocks of ${values.seq} per system)`,
  '',
  streamTable(sequential),
  '',
  `## Mixed-configuration stream (3 system prompts x 2 models, alternating; ${values.blocks} blocks of ${values.mixed})`,
  '',
  streamTable(mixed),
  '',
  '## Upstream bytes per request (proxy defaults; largest upstream call)',
  '',
  bytesTable,
  '',
].join('\n');
console.log(markdown);
mkdirSync(`${here}results`, { recursive: true });
writeFileSync(values.out.startsWith('/') ? values.out : `${here}results/${values.out}`, markdown);
