// `npm run bench`: the benchmark suite (issues 2, 4, 6 and 15) in one run, against the same fake
// Messages API and the real CLI. Prints Markdown tables, writes bench/results/latest.md and a chart
// (bench/results/latency.svg), and refreshes the README's benchmark section.
//   node bench/run.mjs [--iterations N] [--ttft-ms 300] [--quick]
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startFakeApi } from '../test/fixtures/fake-api.mjs';
import { makeCliEnv } from '../test/fixtures/real-cli.mjs';
import { barChartSvg } from './chart.mjs';
import { markdownTable, ms, stats } from './lib.mjs';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '10' },
    'ttft-ms': { type: 'string', default: '300' },
    quick: { type: 'boolean', default: false },
  },
});
const iterations = Number(values.iterations);
const here = new URL('.', import.meta.url).pathname;

const execFileAsync = promisify(execFile);

/**
 * Run one driver row under getrusage(RUSAGE_CHILDREN) to get CPU seconds and peak RSS of the row.
 * Asynchronous: the fake API lives in this process and must keep answering meanwhile.
 */
async function runRow(row, n, concurrency, env, poolSize = Math.max(1, concurrency)) {
  const rusage = `
import json, resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "out": p.stdout, "err": p.stderr[-2000:], "cpu": r.ru_utime + r.ru_stime, "maxrss_kb": r.ru_maxrss}))`;
  const result = await execFileAsync(
    'python3',
    [
      '-c',
      rusage,
      process.execPath,
      `${here}driver.mjs`,
      row,
      String(n),
      String(concurrency),
      String(poolSize),
    ],
    {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const outer = JSON.parse(result.stdout);
  if (outer.rc !== 0) throw new Error(`row ${row} failed: ${outer.err}`);
  const inner = JSON.parse(outer.out.trim().split('\n').at(-1));
  return { ...inner, cpu: outer.cpu, maxRssMb: outer.maxrss_kb / 1024 };
}

async function suite(label, ttftMs) {
  const api = await startFakeApi({ ttftMs });
  const cli = await makeCliEnv(api.url, { maxRetries: 2 });
  const env = { BENCH_ENV: JSON.stringify(cli.env), BENCH_CWD: cli.cwd };
  const baseline = await runRow('noop', 1, 1, env);
  const plan = [
    ['raw `claude -p` (cold)', 'raw', 1],
    ['`run()` cold', 'cold', 1],
    ['official SDK `query()`', 'sdk-query', 1],
    ['`run()` warm pool', 'warm', 1],
    ['`run()` warm pool + reuse (/clear)', 'warm-reuse', 1],
    ['`run()` warm pool + reuse (rewind)', 'warm-rewind', 1],
    ['proxy `POST /v1/messages` (warm, reuse)', 'proxy', 1],
    ['proxy SSE time to first byte (warm, reuse)', 'proxy-stream', 1],
  ];
  if (!values.quick) {
    for (const c of [2, 4, 8]) plan.push([`\`run()\` cold, concurrency ${c}`, 'cold', c]);
    for (const c of [2, 4, 8]) plan.push([`\`run()\` warm pool (size ${c}), concurrency ${c}`, 'warm', c]);
    // Throughput at concurrency 8 as the pool grows (process reuse by rewind).
    for (const size of [1, 2, 4, 8]) {
      plan.push([`\`run()\` warm + reuse, pool size ${size}, concurrency 8`, 'warm-rewind', 8, size]);
    }
  }
  const rows = [];
  for (const [name, row, concurrency, poolSize] of plan) {
    // Reuse rows are cheap and their CPU per call only shows once start-up is amortised.
    const reuse = row.startsWith('warm-re') || row.startsWith('proxy');
    const n = reuse
      ? Math.max(iterations, concurrency > 1 ? 80 : 100)
      : concurrency > 1
        ? Math.max(iterations, concurrency * 3)
        : iterations;
    process.stderr.write(`${label}: ${name}...\n`);
    const r = await runRow(row, n, concurrency, env, poolSize);
    const s = stats(r.ttfb ?? r.latencies);
    rows.push({
      name,
      concurrency,
      n,
      median: s.median,
      p95: s.p95,
      cpuPerCall: Math.max(0, r.cpu - baseline.cpu) / n,
      maxRssMb: r.maxRssMb,
      throughput: (n / r.wallMs) * 1000,
    });
  }
  await api.close();
  await cli.cleanup();
  const raw = rows[0];
  const table = markdownTable(
    ['path', 'runs', 'median ms', 'p95 ms', 'CPU-s / call', 'peak RSS MB', 'req/s', 'ratio to raw'],
    rows.map((r) => [
      r.name,
      String(r.n),
      ms(r.median),
      ms(r.p95),
      r.cpuPerCall.toFixed(3),
      r.maxRssMb.toFixed(0),
      r.throughput.toFixed(2),
      (r.median / raw.median).toFixed(2),
    ]),
  );
  return { label, ttftMs, rows, table };
}

/** The overhead benchmarks of issues 2 and 4, as Markdown. */
async function overheads() {
  const core = await execFileAsync(
    process.execPath,
    [`${here}core-overhead.mjs`, '--iterations', String(iterations)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const proxy = await execFileAsync(process.execPath, [`${here}proxy-overhead.mjs`, '--iterations', '300'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return [
    '### Library overhead over the raw CLI',
    '',
    core.stdout.trim(),
    '',
    '### HTTP proxy overhead over the library',
    '',
    proxy.stdout.trim(),
    '',
  ];
}

/** What reaches the API for a one-line prompt: the CLI's default, and through the proxy. */
async function upstreamSizes() {
  const api = await startFakeApi();
  const cli = await makeCliEnv(api.url);
  const { createServer } = await import('../dist/index.js');
  const { realClaudeBinary } = await import('../test/fixtures/real-cli.mjs');
  await execFileAsync(realClaudeBinary(), ['-p', 'hello', '--output-format', 'json'], {
    env: { ...process.env, ...cli.env },
    cwd: cli.cwd,
  });
  const defaultBody = JSON.stringify(api.messageRequests().at(-1).body);
  const server = createServer({
    port: 0,
    sessionStorePath: ':memory:',
    wrapper: { claudeBinary: realClaudeBinary(), env: cli.env, logLevel: 'silent' },
  });
  const { url } = await server.listen();
  const clientBody = JSON.stringify({
    model: 'claude-sonnet-5-5',
    max_tokens: 64,
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'hello' }],
  });
  await (
    await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: clientBody,
    })
  ).json();
  const proxyBody = JSON.stringify(api.messageRequests().at(-1).body);
  await server.close();
  await api.close();
  await cli.cleanup();
  return [
    '### What reaches the API for a one-line prompt',
    '',
    markdownTable(
      ['request', 'body bytes'],
      [
        ['what the client sent to the proxy', String(clientBody.length)],
        ['`claude -p hello` with the CLI defaults', String(defaultBody.length)],
        ['through the proxy (`system` replaces the CLI prompt, no CLI tools)', String(proxyBody.length)],
      ],
    ),
    '',
    `The proxy adds ${proxyBody.length - clientBody.length} bytes upstream (the CLI's billing header, its one-line identity, an environment note and request metadata), against ${defaultBody.length} bytes for the CLI's defaults.`,
    '',
  ];
}

const overheadSection = [...(await overheads()), ...(await upstreamSizes())];
const suites = [
  await suite('zero-latency API', 0),
  await suite(`API with ${values['ttft-ms']} ms to first token`, Number(values['ttft-ms'])),
];
const header = `Real Claude Code CLI ${spawnSync(process.execPath, ['-e', "console.log(require('./node_modules/@anthropic-ai/claude-code/package.json').version)"], { encoding: 'utf8' }).stdout.trim()}, fake Messages API on 127.0.0.1, ${cpus().length} cores, Node ${process.version}, ${iterations} iterations per row (concurrency rows: at least 3 per worker). Run on ${new Date().toISOString().slice(0, 10)}.`;
const findings = (rows) => {
  const by = (name) => rows.find((r) => r.name === name);
  const raw = by('raw `claude -p` (cold)');
  const sdk = by('official SDK `query()`');
  const warm = by('`run()` warm pool');
  const reuse = by('`run()` warm pool + reuse (rewind)');
  return [
    `warm pool: ${(warm.median / raw.median).toFixed(2)}x raw \`claude -p\` (target <= 0.3), ${(warm.median / sdk.median).toFixed(2)}x SDK \`query()\` (target <= 0.5)`,
    `process reuse: ${(reuse.median / raw.median).toFixed(2)}x raw latency (target <= 0.1), ${(reuse.cpuPerCall / raw.cpuPerCall).toFixed(2)}x raw CPU per call (target <= 0.2)`,
  ];
};
const markdown = [
  header,
  '',
  ...suites.flatMap((s) => [`### ${s.label}`, '', s.table, '', ...findings(s.rows).map((f) => `- ${f}`), '']),
  ...overheadSection,
  '![latency chart](bench/results/latency.svg)',
].join('\n');
mkdirSync(`${here}results`, { recursive: true });
writeFileSync(`${here}results/latest.md`, `${markdown}\n`);
writeFileSync(
  `${here}results/latency.svg`,
  barChartSvg(
    suites[0].rows.filter((r) => r.concurrency === 1),
    'Median latency, zero-latency API (ms)',
  ),
);
console.log(markdown);

// Refresh the README between the markers.
const readmePath = new URL('../README.md', import.meta.url);
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
if (readme.includes(start) && readme.includes(end)) {
  const updated = `${readme.slice(0, readme.indexOf(start) + start.length)}\n${markdown}\n${readme.slice(readme.indexOf(end))}`;
  writeFileSync(readmePath, updated);
}

// Issue 15's rows (conversations, sequential and mixed streams, upstream bytes) in their own
// process and run: bench/results/issue15.md.
const issue15 = spawnSync(process.execPath, [`${here}issue15.mjs`], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (issue15.status !== 0) process.exitCode = 1;
