// Issue #4 benchmark: what does the HTTP proxy add over calling the library directly?
// As deployed: `claude-wrapper serve` runs in its own process with its defaults (file session store,
// info-level logs, isolated working directories) except the warm pool, which is off on both sides so
// that both spawn the CLI per request. The library call runs in this process. The backend is an
// instant stand-in CLI (bench/instant-cli.sh), so the differences are the proxy's own and not CLI
// start-up noise. Rows are interleaved, iteration by iteration.
// Two HTTP clients call the proxy: `fetch` (what the official SDKs use; it alone costs ~0.5-1 ms
// more per call than node:http here) and node:http with a keep-alive agent (the leanest Node
// client). A bare Node HTTP server in its own process, called with each client, gives the floor
// any HTTP hop costs on this machine with that client.
// Also the server's resident memory: just started, after idling (V8's memory reducer returns the
// start-up garbage 8-16 s after the last activity, hence 30 s), and right after the load.
//   node bench/proxy-overhead.mjs [--iterations N] [--idle-seconds S] [--server-config JSON] [--json]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClaudeCodeWrapper } from '../dist/index.js';
import { AnthropicMessagesService } from '../dist/gateway/messages-service.js';
import { markdownTable, ms, stats } from './lib.mjs';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '300' },
    'idle-seconds': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
    // Extra config-file content for the server, e.g. '{"server":{"sessionStorePath":":memory:"}}'.
    'server-config': { type: 'string', default: '{}' },
  },
});
const iterations = Number(values.iterations);
const idleSeconds = Number(values['idle-seconds']);
const instantCli = new URL('./instant-cli.sh', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'ccw-proxy-bench-'));
const children = [];

function freePort() {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Start a Node process and wait until `readyPath` answers on its port. */
async function startProcess(args, { env = {}, readyPath = '/' } = {}) {
  const port = await freePort();
  const log = openSync(join(home, `${children.length}.log`), 'w');
  const child = spawn(process.execPath, args(port), {
    env: { ...process.env, HOME: home, ...env },
    stdio: ['ignore', log, log],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      await (await fetch(url + readyPath)).arrayBuffer();
      return { child, url };
    } catch (error) {
      if (i > 200 || child.exitCode !== null)
        throw new Error(`${args(port).join(' ')} did not start`, { cause: error });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const rssMb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

function serve() {
  const config = join(home, 'proxy.json');
  const extra = JSON.parse(values['server-config']);
  writeFileSync(config, JSON.stringify({ ...extra, server: { warmPoolSize: 0, ...extra.server } }));
  return startProcess((port) => ['dist/cli/main.js', 'serve', '--port', String(port), '--config', config], {
    env: { CLAUDE_BINARY: instantCli, CLAUDE_LOG_LEVEL: '' },
    readyPath: '/v1/models',
  });
}

// Idle memory of a fresh server, before anything else runs.
const fresh = await serve();
await new Promise((r) => setTimeout(r, 1500));
const rssStarted = rssMb(fresh.child.pid);
await new Promise((r) => setTimeout(r, Math.max(0, idleSeconds * 1000 - 1500)));
const rssIdle = rssMb(fresh.child.pid);
fresh.child.kill('SIGTERM');

const proxy = await serve();
const bare = await startProcess((port) => [
  '-e',
  `require('node:http').createServer((q, s) => { let b = ''; q.on('data', (d) => (b += d)); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json' }); s.end(JSON.stringify({ ok: true, bytes: b.length })); }); }).listen(${port}, '127.0.0.1')`,
]);
const service = new AnthropicMessagesService({
  wrapper: new ClaudeCodeWrapper({ claudeBinary: instantCli }),
});
const body = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };
const postFetch = (url, payload) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
const agent = new Agent({ keepAlive: true });
/** POST with node:http; resolves with the response stream. */
const postNode = (url, payload) =>
  new Promise((resolve, reject) => {
    const text = JSON.stringify(payload);
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(text);
  });
const readAll = async (response) => {
  const chunks = [];
  for await (const chunk of response) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
};

async function timeFirst(iterable) {
  const started = performance.now();
  let first;
  for await (const _ of iterable) first ??= performance.now() - started;
  return first;
}

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const rows = {
  'library `messages.create`': () => timed(() => service.create(body)),
  'HTTP JSON, `fetch`': () => timed(async () => (await postFetch(`${proxy.url}/v1/messages`, body)).json()),
  'HTTP JSON, node:http': () =>
    timed(async () => JSON.parse(await readAll(await postNode(`${proxy.url}/v1/messages`, body)))),
  'library stream, first event': async () => timeFirst(service.stream({ ...body, stream: true }).events),
  'HTTP SSE first byte, `fetch`': async () => {
    const t = performance.now();
    const reader = (await postFetch(`${proxy.url}/v1/messages`, { ...body, stream: true })).body.getReader();
    await reader.read();
    const first = performance.now() - t;
    while (!(await reader.read()).done);
    return first;
  },
  'HTTP SSE first byte, node:http': async () => {
    const t = performance.now();
    const response = await postNode(`${proxy.url}/v1/messages`, { ...body, stream: true });
    let first;
    for await (const _ of response) first ??= performance.now() - t;
    return first;
  },
  'floor: bare Node HTTP server, `fetch`': () => timed(async () => (await postFetch(bare.url, body)).json()),
  'floor: bare Node HTTP server, node:http': () =>
    timed(async () => JSON.parse(await readAll(await postNode(bare.url, body)))),
};

for (let i = 0; i < 20; i += 1) for (const fn of Object.values(rows)) await fn();
const samples = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
for (let i = 0; i < iterations; i += 1)
  for (const [name, fn] of Object.entries(rows)) samples[name].push(await fn());
const rssLoaded = rssMb(proxy.child.pid);
for (const child of children) child.kill('SIGTERM');
await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
rmSync(home, { recursive: true, force: true });

const computed = Object.entries(samples).map(([name, s]) => ({ name, ...stats(s) }));
const row = (name) => computed.find((r) => r.name === name);
// The same iteration's HTTP and library samples run back to back, so their difference cancels
// drift in the machine's speed; its median is the typical added latency of one request.
const paired = (httpRow, libRow) => stats(samples[httpRow].map((v, i) => v - samples[libRow][i])).median;
const LIB_JSON = 'library `messages.create`';
const LIB_STREAM = 'library stream, first event';
const clients = Object.fromEntries(
  ['`fetch`', 'node:http'].map((client) => {
    const json = `HTTP JSON, ${client}`;
    const sse = `HTTP SSE first byte, ${client}`;
    return [
      client.replaceAll('`', ''),
      {
        nonStreamMs: row(json).median - row(LIB_JSON).median,
        ttfbMs: row(sse).median - row(LIB_STREAM).median,
        pairedNonStreamMs: paired(json, LIB_JSON),
        pairedTtfbMs: paired(sse, LIB_STREAM),
        floorMs: row(`floor: bare Node HTTP server, ${client}`).median,
      },
    ];
  }),
);
const memory = { startedMb: rssStarted, idleMb: rssIdle, afterLoadMb: rssLoaded };
if (values.json) {
  console.log(JSON.stringify({ iterations, rows: computed, added: clients, memory }, null, 2));
} else {
  console.log(
    `Proxy overhead, ${iterations} interleaved iterations, instant stand-in CLI, server in its own process, node ${process.version}\n`,
  );
  console.log(
    markdownTable(
      ['path', 'median ms', 'p95 ms'],
      computed.map((r) => [r.name, ms(r.median), ms(r.p95)]),
    ),
  );
  console.log(
    '\nAdded by HTTP over the library (difference of medians; median of per-iteration differences in brackets):\n',
  );
  console.log(
    markdownTable(
      ['client', 'non-stream ms', 'to first byte ms', 'bare round trip ms'],
      Object.entries(clients).map(([client, a]) => [
        client,
        `${ms(a.nonStreamMs)} (${ms(a.pairedNonStreamMs)})`,
        `${ms(a.ttfbMs)} (${ms(a.pairedTtfbMs)})`,
        ms(a.floorMs),
      ]),
    ),
  );
  console.log(
    `\nRSS of \`claude-wrapper serve\`: ${memory.startedMb.toFixed(1)} MB just started, ` +
      `${memory.idleMb.toFixed(1)} MB after ${idleSeconds} s idle, ${memory.afterLoadMb.toFixed(1)} MB right after the load.`,
  );
}
