// Issue #2 benchmark: what does `run()` add over calling the real CLI yourself?
// One run, the real CLI, a zero-latency fake Messages API. Rows are interleaved so that machine
// noise hits every row alike.
//   node bench/core-overhead.mjs [--iterations N] [--json]
import { parseArgs } from 'node:util';
import { ClaudeCodeWrapper } from '../dist/index.js';
import { startFakeApi } from '../test/fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary } from '../test/fixtures/real-cli.mjs';
import { markdownTable, ms, stats, timeProcess } from './lib.mjs';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } },
});
const iterations = Number(values.iterations);
const api = await startFakeApi();
const cli = await makeCliEnv(api.url);
const binary = realClaudeBinary();
const env = { ...cli.env, CLAUDE_CODE_MAX_RETRIES: '2' };
// The raw rows get exactly the environment the wrapper gives the CLI, so only the wrapper differs.
const { NODE_OPTIONS: _dropped, ...parentEnv } = process.env;
const fullEnv = { ...parentEnv, ...env };
const wrapper = new ClaudeCodeWrapper({
  claudeBinary: binary,
  env,
  workingDirectory: cli.cwd,
  logLevel: 'silent',
});
const streamJsonArgs = ['-p', '--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json'];
const userLine = {
  type: 'user',
  session_id: '',
  message: { role: 'user', content: [{ type: 'text', text: 'hello' }] },
  parent_tool_use_id: null,
};

const rows = {
  'raw `claude -p hello --output-format json` (until exit)': () =>
    timeProcess(binary, ['-p', 'hello', '--output-format', 'json'], { env: fullEnv, cwd: cli.cwd }),
  'raw `claude` stream-json on stdin (until result line)': () =>
    timeProcess(binary, streamJsonArgs, {
      env: fullEnv,
      cwd: cli.cwd,
      stdinLines: [userLine],
      until: 'result',
    }),
  '`wrapper.run()` (until result)': async () => {
    const started = performance.now();
    const response = await wrapper.run('hello');
    if (response.isError) throw new Error(response.content);
    return performance.now() - started;
  },
};

// The same comparison against an instant stand-in CLI isolates the wrapper's own cost from the
// real CLI's start-up noise (which is tens of milliseconds between runs).
const instant = new URL('./instant-cli.sh', import.meta.url).pathname;
const instantWrapper = new ClaudeCodeWrapper({ claudeBinary: instant, logLevel: 'silent' });
rows['stand-in CLI by hand (until result line)'] = () =>
  timeProcess(instant, streamJsonArgs, { env: parentEnv, stdinLines: [userLine], until: 'result' });
rows['stand-in CLI via `wrapper.run()`'] = async () => {
  const started = performance.now();
  await instantWrapper.run('hello');
  return performance.now() - started;
};

// One warm-up of each so the first cold disk read does not land in the table.
for (const fn of Object.values(rows)) await fn();
const samples = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
const cheap = new Set(['stand-in CLI by hand (until result line)', 'stand-in CLI via `wrapper.run()`']);
// The stand-in rows cost ~2 ms each, so they get more samples for a stable median.
for (let i = 0; i < iterations * 10; i += 1) {
  for (const [name, fn] of Object.entries(rows)) {
    if (cheap.has(name) || i < iterations) samples[name].push(await fn());
  }
}
await api.close();
await cli.cleanup();

const computed = Object.entries(samples).map(([name, s]) => ({ name, ...stats(s) }));
const [rawJson, rawStream, ours, instantRaw, instantOurs] = computed;
const overhead = {
  realCliMedianMs: ours.median - rawStream.median,
  standInMedianMs: instantOurs.median - instantRaw.median,
};
if (values.json) {
  console.log(JSON.stringify({ iterations, rows: computed, overhead }, null, 2));
} else {
  console.log(
    `Core overhead: ${iterations} interleaved iterations with the real CLI (${iterations * 10} with the stand-in), zero-latency fake API, node ${process.version}\n`,
  );
  console.log(
    markdownTable(
      ['path', 'runs', 'median ms', 'p95 ms', 'ratio to raw -p'],
      computed.map((r) => [
        r.name,
        String(r.n),
        ms(r.median),
        ms(r.p95),
        (r.median / rawJson.median).toFixed(2),
      ]),
    ),
  );
  console.log(
    `\nAdded by \`run()\` (median): ${ms(overhead.standInMedianMs)} ms against the instant stand-in; ` +
      `${ms(overhead.realCliMedianMs)} ms against the real CLI, where run-to-run noise is far larger.`,
  );
}
