// Issue #4 benchmark: what does the HTTP proxy add over calling the library directly?
// Same run, same backend: an instant stand-in CLI (bench/instant-cli.sh), so that the differences are
// the proxy's own and not CLI start-up noise; no warm pool on either side. Also the proxy's idle RSS, measured on `claude-wrapper serve` in a child process.
//   node bench/proxy-overhead.mjs [--iterations N] [--json]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ClaudeCodeWrapper } from '../dist/index.js';
import { AnthropicMessagesService } from '../dist/compat/anthropic/messages-service.js';
import { createServer } from '../dist/http/server.js';
import { withFakeClaude } from '../test/fixtures/fake-claude-helpers.mjs';
import { markdownTable, ms, stats } from './lib.mjs';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '200' }, json: { type: 'boolean', default: false } },
});
const iterations = Number(values.iterations);
const fake = await withFakeClaude({
  default: { kind: 'reply', chunks: ['Hello', ' from', ' the', ' bench'] },
});
const wrapperConfig = {
  claudeBinary: new URL('./instant-cli.sh', import.meta.url).pathname,
  logLevel: 'silent',
};
const service = new AnthropicMessagesService({ wrapper: new ClaudeCodeWrapper(wrapperConfig) });
const server = createServer({
  port: 0,
  sessionStorePath: ':memory:',
  warmPoolSize: 0,
  wrapper: wrapperConfig,
});
const { url } = await server.listen();
const body = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };

async function timeFirst(iterable) {
  const started = performance.now();
  let first;
  for await (const _ of iterable) {
    first ??= performance.now() - started;
  }
  return first;
}

const rows = {
  'library `messages.create` (service)': async () => {
    const t = performance.now();
    await service.create(body);
    return performance.now() - t;
  },
  'HTTP `POST /v1/messages` (JSON)': async () => {
    const t = performance.now();
    const r = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await r.json();
    return performance.now() - t;
  },
  'library stream, first event': async () => timeFirst(service.stream({ ...body, stream: true }).events),
  'HTTP SSE, first byte': async () => {
    const t = performance.now();
    const r = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    const reader = r.body.getReader();
    await reader.read();
    const first = performance.now() - t;
    while (!(await reader.read()).done);
    return first;
  },
};

for (const fn of Object.values(rows)) await fn();
const samples = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
for (let i = 0; i < iterations; i += 1)
  for (const [name, fn] of Object.entries(rows)) samples[name].push(await fn());
await server.close();

// Idle RSS of the real server process.
const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--port', '0'], {
  env: { ...process.env, CLAUDE_LOG_LEVEL: 'silent', CLAUDE_BINARY: fake.binary },
  stdio: ['ignore', 'ignore', 'pipe'],
});
await new Promise((resolve) => child.stderr.on('data', (d) => String(d).includes('listening') && resolve()));
await new Promise((r) => setTimeout(r, 1500));
const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
child.kill('SIGTERM');
await fake.cleanup();

const computed = Object.entries(samples).map(([name, s]) => ({ name, ...stats(s) }));
const [libCreate, httpCreate, libStream, httpStream] = computed;
const added = {
  nonStreamMs: httpCreate.median - libCreate.median,
  ttfbMs: httpStream.median - libStream.median,
};
if (values.json) {
  console.log(JSON.stringify({ iterations, rows: computed, added, idleRssMb: rssKb / 1024 }, null, 2));
} else {
  console.log(
    `Proxy overhead, ${iterations} interleaved iterations, fake CLI stand-in, node ${process.version}\n`,
  );
  console.log(
    markdownTable(
      ['path', 'median ms', 'p95 ms'],
      computed.map((r) => [r.name, ms(r.median), ms(r.p95)]),
    ),
  );
  console.log(
    `\nAdded by HTTP (median): ${ms(added.nonStreamMs)} ms non-stream, ${ms(added.ttfbMs)} ms to first byte. ` +
      `Idle RSS of \`claude-wrapper serve\`: ${(rssKb / 1024).toFixed(1)} MB.`,
  );
}
