// One benchmark row, run in its own process so that its CPU time and peak RSS (including every CLI
// child) can be measured from outside with getrusage(RUSAGE_CHILDREN).
//   node bench/driver.mjs <row> <iterations> <concurrency>   (env: BENCH_API_URL, BENCH_HOME, BENCH_CWD)
// Prints one JSON line: { latencies: number[], ttfb?: number[], extra? }.
import { ClaudeCodeWrapper, createServer } from '../dist/index.js';
import { realClaudeBinary } from '../test/fixtures/real-cli.mjs';
import { timeProcess } from './lib.mjs';

const [row, iterationsArg, concurrencyArg, poolSizeArg] = process.argv.slice(2);
const iterations = Number(iterationsArg);
const concurrency = Number(concurrencyArg ?? '1');
const poolSize = Number(poolSizeArg ?? Math.max(1, concurrency));
const binary = realClaudeBinary();
const env = JSON.parse(process.env.BENCH_ENV);
const cwd = process.env.BENCH_CWD;
const prompt = 'hello';
const base = { claudeBinary: binary, env, workingDirectory: cwd, logLevel: 'silent', tools: [] };

/**
 * Run `fn` `iterations` times, `concurrency` at a time; returns per-call latencies. `between` runs
 * after each call, untimed (used to let a pool refill between sequential calls).
 */
async function measure(fn, between) {
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < iterations) {
      next += 1;
      const started = performance.now();
      await fn();
      latencies.push(performance.now() - started);
      if (between) await between();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, wallMs: performance.now() - started };
}

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

async function withWarmWrapper(pool, fn) {
  const wrapper = new ClaudeCodeWrapper({ ...base, warmPool: pool });
  await wrapper.prewarm();
  // Let fresh processes finish their own start-up work (it goes on briefly after `initialize`).
  await settle(1000 + 500 * pool.size);
  // Let the pool settle so every measured call finds a ready process when the pool can keep up.
  const result = await measure(
    () => fn(wrapper),
    concurrency === 1 ? () => waitForIdle(wrapper, pool.size) : undefined,
  );
  await wrapper.close();
  return result;
}

/**
 * Sequential rows model a pool that refills between requests: wait until `size` processes are
 * ready, plus a second for a fresh one to finish its own start-up work (the CLI keeps initialising
 * for a moment after answering `initialize`; PREWARM.md measured warm processes after 1.5 s idle).
 */
async function waitForIdle(wrapper, size) {
  const deadline = Date.now() + 5000;
  const before = wrapper.getPoolStats()?.spawns ?? 0;
  while ((wrapper.getPoolStats()?.idle ?? 0) < size && Date.now() < deadline) await settle(10);
  if ((wrapper.getPoolStats()?.spawns ?? 0) > before || !wrapper.getPoolStats()?.reuses) await settle(1000);
}

const rows = {
  noop: async () => ({ latencies: [0], wallMs: 0 }),
  raw: () =>
    measure(() =>
      timeProcess(binary, ['-p', prompt, '--output-format', 'json', '--tools', ''], {
        env: { ...process.env, ...env },
        cwd,
      }),
    ),
  cold: async () => {
    const wrapper = new ClaudeCodeWrapper(base);
    return measure(() => wrapper.run(prompt));
  },
  warm: () => withWarmWrapper({ size: poolSize }, (w) => w.run(prompt)),
  'warm-reuse': () => withWarmWrapper({ size: poolSize, maxUses: 1000 }, (w) => w.run(prompt)),
  'warm-rewind': () =>
    withWarmWrapper({ size: poolSize, maxUses: 1000, reuse: 'rewind' }, (w) => w.run(prompt)),
  'sdk-query': async () => {
    const { query } = await import('./node_modules/@anthropic-ai/claude-agent-sdk/sdk.mjs');
    return measure(async () => {
      for await (const message of query({
        prompt,
        options: {
          pathToClaudeCodeExecutable: binary,
          env: { ...process.env, ...env },
          cwd,
          tools: [],
          maxTurns: 1,
        },
      })) {
        if (message.type === 'result') break;
      }
    });
  },
  proxy: async () => proxyRow(false),
  'proxy-stream': async () => proxyRow(true),
};

async function proxyRow(stream) {
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    wrapper: { ...base, warmPool: { size: Math.max(1, concurrency), maxUses: 1000 } },
  });
  const { url } = await server.listen();
  const body = JSON.stringify({
    model: 'claude-sonnet-5-5',
    max_tokens: 64,
    stream,
    messages: [{ role: 'user', content: prompt }],
  });
  const call = async () => {
    const started = performance.now();
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const reader = response.body.getReader();
    await reader.read();
    const ttfb = performance.now() - started;
    while (!(await reader.read()).done);
    return ttfb;
  };
  await call(); // first request warms the pool for this configuration
  await settle(1500);
  const ttfb = [];
  const result = await measure(
    async () => ttfb.push(await call()),
    concurrency === 1 ? () => settle(30) : undefined,
  );
  await server.close();
  return { ...result, ttfb };
}

const fn = rows[row];
if (!fn) throw new Error(`unknown row ${row}`);
const result = await fn();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
