// Distributed batch throughput (issue 16 item 6): one batch through `claude-wrapper batch --queue`
// run by 1, 2 and 3 `claude-wrapper worker` processes on this machine, sharing one redis-server.
// Two item kinds:
//   - the fake CLI (test/fixtures/fake-claude.mjs) answering after a fixed delay: what the queue and
//     the workers add, when the item itself costs almost no CPU;
//   - the real Claude Code CLI against the fake Messages API (zero latency): each item is a CLI
//     start (~0.8 CPU-s), so a 2-core machine is the bottleneck, not the queue.
// Per row: wall time of the submitting command (enqueue to last result written), items/s and the
// ratio to 1 worker, p50 item latency (as the workers measured it), CPU-s per item of the worker
// process trees (CLIs included), peak RSS of the worker trees, and Redis commands and bytes per
// item (INFO stats deltas: submitter, workers and BullMQ's own housekeeping together).
//   node bench/queue-workers.mjs [--items 24] [--delay-ms 1000] [--concurrency 2]
//                                [--real-items 12] [--no-real] [--out queue-workers.md]
// Needs redis-server on PATH and a build (npm run build).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { processTreeUsage } from '../dist/index.js';
import { startFakeApi } from '../test/fixtures/fake-api.mjs';
import { fakeClaudePath } from '../test/fixtures/fake-claude-helpers.mjs';
import { makeCliEnv, realClaudeBinary } from '../test/fixtures/real-cli.mjs';
import { markdownTable } from './lib.mjs';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '24' },
    'delay-ms': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '2' },
    'real-items': { type: 'string', default: '12' },
    'no-real': { type: 'boolean', default: false },
    out: { type: 'string', default: 'queue-workers.md' },
  },
});
const here = new URL('.', import.meta.url).pathname;
const MAIN = join(here, '..', 'dist', 'cli', 'main.js');
const concurrency = Number(values.concurrency);
const delayMs = Number(values['delay-ms']);
const workerCounts = [1, 2, 3];

/** A loopback port nothing listens on. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** A redis-server on a free port, as a BullMQ deployment would run it (AOF, fsync every second). */
async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Start a worker and resolve once it takes items. */
function startWorker(env, url) {
  const child = spawn(
    process.execPath,
    [MAIN, 'worker', '--queue', url, '--concurrency', String(concurrency)],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${log}`)), 20_000);
    const check = setInterval(() => {
      if (!log.includes('taking batch items')) return;
      clearInterval(check);
      clearTimeout(timer);
      resolve({ child, exited, log: () => log });
    }, 20);
  });
}

/** Redis's command and byte counters. */
async function redisCounters(redis) {
  const info = await redis.info('stats');
  const field = (name) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    commands: field('total_commands_processed'),
    bytes: field('total_net_input_bytes') + field('total_net_output_bytes'),
  };
}

/** Run one batch of `items` prompts on `workers` workers; the row's figures. */
async function row({ label, env, url, workers, items, name }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-queue-'));
  const input = join(dir, `${name}.jsonl`);
  writeFileSync(
    input,
    Array.from({ length: items }, (_, i) =>
      JSON.stringify({ id: `i${i + 1}`, prompt: `question ${i + 1}` }),
    ).join('\n'),
  );
  const started = await Promise.all(Array.from({ length: workers }, () => startWorker(env, url)));
  const cpuBefore = started.map((w) => processTreeUsage(w.child.pid, { pss: false })?.cpuSeconds ?? 0);
  let peakRss = 0;
  const sampler = setInterval(() => {
    const rss = started.reduce(
      (sum, w) => sum + (processTreeUsage(w.child.pid, { pss: false })?.rssBytes ?? 0),
      0,
    );
    peakRss = Math.max(peakRss, rss);
  }, 200);
  const redis = new Redis(url);
  const before = await redisCounters(redis);
  const t0 = performance.now();
  const submitter = spawn(
    process.execPath,
    [MAIN, 'batch', input, '--queue', url, '--name', name, '--json'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  submitter.stdout.on('data', (chunk) => (stdout += chunk.toString()));
  submitter.stderr.on('data', (chunk) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => submitter.once('exit', resolve));
  const wallMs = performance.now() - t0;
  const after = await redisCounters(redis);
  clearInterval(sampler);
  const cpu = started.reduce(
    (sum, w, i) =>
      sum + ((processTreeUsage(w.child.pid, { pss: false })?.cpuSeconds ?? 0) - (cpuBefore[i] ?? 0)),
    0,
  );
  for (const w of started) w.child.kill('SIGTERM');
  await Promise.all(started.map((w) => w.exited));
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${label}, ${workers} worker(s): batch exited with ${code}: ${stderr}`);
  const summary = JSON.parse(stdout);
  if (summary.done !== items) throw new Error(`${label}: ${summary.done} of ${items} items succeeded`);
  return {
    label,
    workers,
    items,
    wallMs,
    perSecond: (items / wallMs) * 1000,
    p50: summary.latencyMs.p50,
    cpuPerItem: cpu / items,
    peakRssMb: peakRss / 1024 / 1024,
    commandsPerItem: (after.commands - before.commands) / items,
    kbPerItem: (after.bytes - before.bytes) / items / 1024,
  };
}

// Other work on the machine shows in the figures; the header says how busy it was.
const loadBefore = loadavg()[0];
const redis = await startRedis();
const rows = [];
try {
  const baseEnv = {
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(join(tmpdir(), 'bench-queue-home-')),
    CLAUDE_LOG_LEVEL: 'silent',
  };
  const fakeEnv = {
    ...baseEnv,
    CLAUDE_BINARY: fakeClaudePath,
    CLAUDE_INHERIT_ENV: 'FAKE_CLAUDE_',
    FAKE_CLAUDE_SCENARIO: JSON.stringify({
      default: { kind: 'reply', chunks: ['a', 'b'], chunkDelayMs: delayMs / 2 },
    }),
  };
  const fakeLabel = `fake CLI, ${delayMs} ms per item`;
  for (const workers of workerCounts) {
    process.stderr.write(`${fakeLabel}: ${workers} worker(s)...\n`);
    rows.push(
      await row({
        label: fakeLabel,
        env: fakeEnv,
        url: redis.url,
        workers,
        items: Number(values.items),
        name: `fake-${workers}`,
      }),
    );
  }
  if (!values['no-real']) {
    const api = await startFakeApi({ ttftMs: 0 });
    const cli = await makeCliEnv(api.url, { maxRetries: 2 });
    const config = join(cli.home, 'worker-config.json');
    writeFileSync(config, JSON.stringify({ env: cli.env }));
    const realEnv = { ...baseEnv, ...cli.env, CLAUDE_BINARY: realClaudeBinary(), CLAUDE_CONFIG_PATH: config };
    const realLabel = 'real CLI, zero-latency fake API';
    try {
      for (const workers of workerCounts) {
        process.stderr.write(`${realLabel}: ${workers} worker(s)...\n`);
        rows.push(
          await row({
            label: realLabel,
            env: realEnv,
            url: redis.url,
            workers,
            items: Number(values['real-items']),
            name: `real-${workers}`,
          }),
        );
      }
    } finally {
      await api.close();
      await cli.cleanup();
    }
  }
  rmSync(baseEnv.HOME, { recursive: true, force: true });
} finally {
  await redis.stop();
}

const oneWorker = (label) => rows.find((r) => r.label === label && r.workers === 1);
const table = markdownTable(
  [
    'items',
    'workers',
    'n',
    'wall s',
    'items/s',
    'ratio to 1 worker',
    'p50 item ms',
    'CPU-s / item',
    'peak RSS MB (workers)',
    'Redis cmds / item',
    'Redis KB / item',
  ],
  rows.map((r) => [
    r.label,
    String(r.workers),
    String(r.items),
    (r.wallMs / 1000).toFixed(1),
    r.perSecond.toFixed(2),
    (r.perSecond / oneWorker(r.label).perSecond).toFixed(2),
    String(Math.round(r.p50)),
    r.cpuPerItem.toFixed(3),
    r.peakRssMb.toFixed(0),
    r.commandsPerItem.toFixed(0),
    r.kbPerItem.toFixed(1),
  ]),
);
const header =
  `Distributed batch: \`batch --queue\` with 1-3 \`worker --concurrency ${concurrency}\` processes on one machine ` +
  `(${cpus().length} cores, Node ${process.version}), one redis-server (AOF). Run on ${new Date().toISOString().slice(0, 10)}, ` +
  `1-minute load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after.`;
const markdown = `${header}\n\n${table}\n`;
process.stdout.write(markdown);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', values.out), markdown);
