// Does the warm pool keep up, and what does the whole process tree cost? (issue 15 items 2 and 4)
// Real CLI, zero-latency fake Messages API, `claude-wrapper serve` with its defaults as a separate
// process; memory and CPU summed over the server and all its children (processTreeUsage).
//   node bench/pool.mjs [--rounds 5] [--requests 20] [--blocks 2] [--idle-s 20] [--serve-env K=V,...]
//                       [--config '{"warmPool":{...}}'] [--out pool.md]
// Rows, each against raw `claude -p` measured in the same run (interleaved, timed to its result line):
//   - first request to a fresh server: latency, and tree CPU from the request until 3 s after it
//   - sequential back-to-back requests: share served warm (pool hand-offs), median and p95
//   - bursts of concurrent requests (new conversations) 4 s apart: share served warm, median, p95
//   - tree RSS/PSS of an idle server: just started, and `--idle-s` after the last request
// Writes bench/results/pool.md.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { processTreeUsage } from '../dist/index.js';
import { startFakeApi } from '../test/fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary } from '../test/fixtures/real-cli.mjs';
import { markdownTable, ms, startServe, stats } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20' },
    blocks: { type: 'string', default: '2' },
    'idle-s': { type: 'string', default: '20' },
    bursts: { type: 'string', default: '6' },
    'burst-size': { type: 'string', default: '3' },
    'serve-env': { type: 'string', default: '' },
    config: { type: 'string', default: '' },
    out: { type: 'string', default: 'pool.md' },
  },
});
const rounds = Number(values.rounds);
const requestsPerBlock = Number(values.requests);
const blocks = Number(values.blocks);
const idleSeconds = Number(values['idle-s']);
const bursts = Number(values.bursts);
const burstSize = Number(values['burst-size']);
const serveExtraEnv = Object.fromEntries(
  values['serve-env']
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=')),
);
const here = new URL('.', import.meta.url).pathname;
const binary = realClaudeBinary();
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 1024 * 1024;

/** CPU seconds of this process's reaped children (/proc/self/stat cutime + cstime). */
function childrenCpuSeconds() {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** CPU seconds of `pid` itself (utime + stime), without its children. */
function ownCpuSeconds(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One raw `claude -p`: latency to its result line, CPU of the whole run (after exit). */
async function rawRun(cli) {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const child = spawn(binary, ['-p', 'hello', '--output-format', 'stream-json', '--verbose', '--tools', ''], {
    env: cli.env,
    cwd: cli.cwd,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let latency;
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk.toString();
    if (latency === undefined && buffer.includes('"type":"result"')) latency = performance.now() - started;
  });
  await new Promise((resolve) => child.on('close', resolve));
  return { latency: latency ?? performance.now() - started, cpu: childrenCpuSeconds() - cpuBefore };
}

/** Start `claude-wrapper serve` with its defaults (and `--serve-env`, `--config`); resolves once it listens. */
async function startBenchServe(cli) {
  const serve = await startServe({ cli, binary, env: serveExtraEnv, config: values.config || undefined });
  return { ...serve, tree: () => processTreeUsage(serve.pid) };
}

const bodyFor = (content) =>
  JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content }] });

/** One non-streamed /v1/messages request; latency to the full answer. */
async function ask(url, content = 'hello') {
  const started = performance.now();
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: bodyFor(content),
  });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  await response.json();
  return performance.now() - started;
}

const api = await startFakeApi();
const cli = await makeCliEnv(api.url, { maxRetries: 2 });
const raw = [];
const first = [];
const idleFresh = [];

// 1. First request to a fresh server, interleaved with raw runs.
for (let i = 0; i < rounds; i += 1) {
  raw.push(await rawRun(cli));
  const serve = await startBenchServe(cli);
  // Let start-up work (Node, the health probe) finish: the row is about the request.
  await settle(3000);
  idleFresh.push(serve.tree());
  const before = serve.tree().cpuSeconds;
  const ownBefore = ownCpuSeconds(serve.pid);
  const latency = await ask(serve.url);
  const atAnswer = serve.tree().cpuSeconds - before;
  await settle(3000);
  first.push({
    latency,
    atAnswer,
    cpu: serve.tree().cpuSeconds - before,
    own: ownCpuSeconds(serve.pid) - ownBefore,
    pool: await serve.pool(),
  });
  await serve.stop();
  process.stderr.write(`first request ${i + 1}/${rounds}: ${ms(latency)} ms\n`);
}

// 2. Sequential back-to-back requests, blocks interleaved with raw runs.
const sequential = [];
let warm = 0;
let total = 0;
let idleAfter;
const serve = await startBenchServe(cli);
await settle(3000);
for (let b = 0; b < blocks; b += 1) {
  for (let i = 0; i < Math.ceil(rounds / blocks); i += 1) raw.push(await rawRun(cli));
  const before = await serve.pool();
  for (let i = 0; i < requestsPerBlock; i += 1) sequential.push(await ask(serve.url));
  const after = await serve.pool();
  warm += after.handoffs - before.handoffs;
  total += requestsPerBlock;
  process.stderr.write(`sequential block ${b + 1}/${blocks}: ${after.handoffs - before.handoffs} warm\n`);
}
const poolAfter = await serve.pool();
await settle(idleSeconds * 1000);
idleAfter = serve.tree();
await serve.stop();

// 3. Bursts of concurrent requests (each a new conversation), a few seconds apart.
const burstLatencies = [];
let burstWarm = 0;
let poolAfterBursts;
if (bursts > 0) {
  const bursty = await startBenchServe(cli);
  await settle(3000);
  // Seen twice: the configuration is pooled from the second request on.
  await ask(bursty.url, 'warm-up 1');
  await ask(bursty.url, 'warm-up 2');
  await settle(3000);
  for (let b = 0; b < bursts; b += 1) {
    const before = await bursty.pool();
    const latencies = await Promise.all(
      Array.from({ length: burstSize }, (_, i) => ask(bursty.url, `burst ${b} request ${i}`)),
    );
    burstLatencies.push(...latencies);
    burstWarm += (await bursty.pool()).handoffs - before.handoffs;
    process.stderr.write(`burst ${b + 1}/${bursts}: ${latencies.map((l) => ms(l)).join(', ')} ms\n`);
    await settle(4000);
  }
  poolAfterBursts = await bursty.pool();
  await bursty.stop();
}
await api.close();
await cli.cleanup();

const rawLatency = stats(raw.map((r) => r.latency));
const rawCpu = stats(raw.map((r) => r.cpu));
const firstLatency = stats(first.map((r) => r.latency));
const firstCpu = stats(first.map((r) => r.cpu));
const seq = stats(sequential);
const burst = stats(burstLatencies);
const firstAtAnswer = stats(first.map((r) => r.atAnswer));
const mb = (bytes) => (bytes / MB).toFixed(0);
const idle = (usage) =>
  `${mb(usage.rssBytes)} MB RSS, ${mb(usage.pssBytes ?? 0)} MB PSS, ${usage.processes} processes`;
const settings = values.config
  ? `config ${values.config}`
  : Object.keys(serveExtraEnv).length
    ? Object.entries(serveExtraEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')
    : 'defaults';

const markdown = [
  `Real Claude Code CLI, zero-latency fake Messages API, ${cpus().length} cores, Node ${process.version}, \`claude-wrapper serve\` (${settings}) in its own process; memory and CPU summed over the server and all its children. Run on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  markdownTable(
    ['row', 'runs', 'median ms', 'p95 ms', 'CPU-s / request', 'ratio to raw (median; p95)', 'CPU ratio'],
    [
      [
        'raw `claude -p` (to its result line)',
        String(raw.length),
        ms(rawLatency.median),
        ms(rawLatency.p95),
        rawCpu.median.toFixed(3),
        '1.00',
        '1.00',
      ],
      [
        'first request to a fresh server',
        String(first.length),
        ms(firstLatency.median),
        ms(firstLatency.p95),
        firstCpu.median.toFixed(3),
        (firstLatency.median / rawLatency.median).toFixed(2),
        (firstCpu.median / rawCpu.median).toFixed(2),
      ],
      [
        `sequential back-to-back (${Math.round((100 * warm) / total)}% warm)`,
        String(sequential.length),
        ms(seq.median),
        ms(seq.p95),
        '',
        `${(seq.median / rawLatency.median).toFixed(2)}; ${(seq.p95 / rawLatency.median).toFixed(2)}`,
        '',
      ],
      ...(bursts > 0
        ? [
            [
              `bursts of ${burstSize}, 4 s apart (${Math.round((100 * burstWarm) / burstLatencies.length)}% warm)`,
              String(burstLatencies.length),
              ms(burst.median),
              ms(burst.p95),
              '',
              `${(burst.median / rawLatency.median).toFixed(2)}; ${(burst.p95 / rawLatency.median).toFixed(2)}`,
              '',
            ],
          ]
        : []),
    ],
  ),
  '',
  `- First request: tree CPU ${firstAtAnswer.median.toFixed(3)} s when the answer is complete (${(firstAtAnswer.median / rawCpu.median).toFixed(2)}x raw), ${firstCpu.median.toFixed(3)} s including the 3 s after it (the table's figure: what the CLI goes on doing, kept for the conversation's next turn); the server's own CPU (Node, without children) ${stats(first.map((r) => r.own)).median.toFixed(3)} s (medians).`,
  `- Idle server tree, just started (no request yet): ${idle(idleFresh.at(-1))}.`,
  `- Idle server tree ${idleSeconds} s after ${total} sequential requests: ${idle(idleAfter)}.`,
  `- Pool after the sequential rows: ${JSON.stringify(poolAfter)}.`,
  `- First request, pool afterwards: ${JSON.stringify(first.at(-1)?.pool)}.`,
  ...(poolAfterBursts ? [`- Pool after the bursts: ${JSON.stringify(poolAfterBursts)}.`] : []),
  '',
].join('\n');
mkdirSync(`${here}results`, { recursive: true });
writeFileSync(`${here}results/${values.out}`, `${markdown}\n`);
console.log(markdown);
process.exit(0);
