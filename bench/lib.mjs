// Shared helpers for the benchmarks: timing, statistics and Markdown tables.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Median and p95 (nearest rank) of a list of numbers. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, n: sorted.length };
}

/** Render rows (arrays of cells) as a Markdown table. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Format milliseconds with one decimal. */
export const ms = (v) => v.toFixed(1);

/**
 * Spawn a command (no shell), optionally write stdin lines, resolve when `done(line)` matches a
 * stdout line or the process exits. Returns wall time in ms.
 */
export function timeProcess(binary, args, { env, cwd, stdinLines, until = 'exit', detached = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(binary, args, {
      env,
      cwd,
      stdio: [stdinLines ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached,
    });
    let buffer = '';
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      resolve(performance.now() - started);
    };
    child.stdout.on('data', (chunk) => {
      if (until !== 'result') return;
      buffer += chunk.toString();
      let idx;
      while ((idx = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 1);
        if (line.includes('"type":"result"')) {
          finish();
          child.stdin?.end();
        }
      }
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (!finished && until === 'exit' && code !== 0) reject(new Error(`${binary} exited with ${code}`));
      finish();
    });
    if (stdinLines) for (const line of stdinLines) child.stdin.write(`${JSON.stringify(line)}\n`);
  });
}

/**
 * Start the built `claude-wrapper serve` in its own process for the real CLI `binary` with the CLI
 * environment `cli` (plus `env`, and `config` written to a file for CLAUDE_CONFIG_PATH); resolves
 * once it listens. `pool()` reads its warm pool state, `stop()` ends it with SIGTERM.
 */
export async function startServe({ cli, binary, env = {}, config }) {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const serveEnv = {
    ...cli.env,
    CLAUDE_BINARY: binary,
    CLAUDE_WRAPPER_PORT: String(port),
    CLAUDE_LOG_LEVEL: 'warn',
    ...env,
  };
  if (config !== undefined) {
    const file = `${mkdtempSync(`${tmpdir()}/serve-bench-`)}/config.json`;
    writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
    serveEnv.CLAUDE_CONFIG_PATH = file;
  }
  const here = new URL('.', import.meta.url).pathname;
  const child = spawn(process.execPath, [`${here}../dist/cli/main.js`, 'serve'], {
    env: serveEnv,
    cwd: cli.cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    // serve says where it listens (and what would not work) on stderr.
    child.stderr.on('data', (d) => d.toString().includes('listening') && resolve());
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid,
    pool: async () => (await (await fetch(`${url}/health/details`)).json()).warmPool,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    },
  };
}
