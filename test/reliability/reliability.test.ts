/**
 * Reliability suite: the built proxy (`node dist/cli/main.js serve`) as its own process, hammered
 * with generated bad requests, upstream and process faults, aborted streams and overload. Run with
 * `npm run test:reliability` (separate vitest config); figures go to bench/results/reliability.md.
 *
 * Env: RELIABILITY_SEED (the random fast-check seed, to reproduce a run), RELIABILITY_PER_SEED
 * (bad requests per seed, default 5200; two seeds).
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  withFakeClaude,
  type FakeClaude,
  type FakeClaudeScenario,
} from '../fixtures/fake-claude-helpers.mjs';
import { startFakeApi, type FakeApi, type FakeBehavior } from '../fixtures/fake-api.mjs';
import { makeCliEnv, realClaudeBinary, type CliEnv } from '../fixtures/real-cli.mjs';
import { badRequestArb, validCases, PATHS, baseBody, type Api, type Case } from './bad-requests.js';
import { startCuttingProxy, type CuttingProxy } from './cutting-proxy.js';
import { keepAliveAgent, pool, send, sendAndAbortAfterFirstBytes, type RawResponse } from './http-client.js';
import { note, record, section, type Row } from './report.js';
import {
  killMarked,
  markedProcesses,
  openFds,
  pidAlive,
  rssMb,
  sleep,
  startServer,
  waitNoMarked,
  type ServerProcess,
} from './server-process.js';

const FIXED_SEED = 20_261_202;
const RANDOM_SEED = process.env['RELIABILITY_SEED']
  ? Number(process.env['RELIABILITY_SEED'])
  : Math.floor(Math.random() * 2 ** 31);
const PER_SEED = Number(process.env['RELIABILITY_PER_SEED'] ?? 5200);
/** One valid request after every this many bad ones. */
const VALID_EVERY = 100;
/** The routes that run the CLI, cycled by the aborted-stream and load rows. */
const STREAMING_APIS: readonly Api[] = ['messages', 'chat', 'responses'];

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch {
      // best effort
    }
  }
});

/** A proxy process behind the fake `claude`, every CLI process marked for orphan scans. */
async function fakeServer(
  scenario: FakeClaudeScenario,
  server: Record<string, unknown> = {},
  wrapper: Record<string, unknown> = {},
): Promise<{ server: ServerProcess; fake: FakeClaude; marker: string; storeDir: string }> {
  const fake = await withFakeClaude(scenario);
  const marker = randomUUID();
  const storeDir = await mkdtemp(join(tmpdir(), 'ccw-rel-store-'));
  const proc = await startServer({
    server: {
      warmPoolSize: 0,
      sessionStorePath: join(storeDir, 'sessions'),
      drainTimeoutMs: 2000,
      ...server,
    },
    wrapper: {
      claudeBinary: fake.binary,
      env: { ...fake.env, RELIABILITY_MARKER: marker, ANTHROPIC_API_KEY: 'sk-ant-reliability-fake' },
      logLevel: 'silent',
      killGraceMs: 300,
      ...wrapper,
    },
  });
  cleanups.push(async () => {
    await proc.stop(2000);
    killMarked(marker);
    await fake.cleanup();
    await rm(storeDir, { recursive: true, force: true });
  });
  return { server: proc, fake, marker, storeDir };
}

/** CLI runs the fake recorded (it records nothing for `--version` probes). */
function spawnCount(fake: FakeClaude): number {
  return fake.invocations().length;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ type: 'error', error: { type, message } }` */
function anthropicError(body: unknown): boolean {
  if (!isRecord(body) || body['type'] !== 'error' || !isRecord(body['error'])) return false;
  return typeof body['error']['type'] === 'string' && typeof body['error']['message'] === 'string';
}

/** `{ error: { message, type, param, code } }` */
function openaiError(body: unknown): boolean {
  if (!isRecord(body) || !isRecord(body['error'])) return false;
  const e = body['error'];
  const nullableString = (v: unknown) => v === null || typeof v === 'string';
  return (
    typeof e['message'] === 'string' &&
    typeof e['type'] === 'string' &&
    'param' in e &&
    nullableString(e['param']) &&
    'code' in e &&
    nullableString(e['code'])
  );
}

/** Structured error in the shape of the API that owns `path` (either shape for unknown paths). */
function structuredError(path: string, r: RawResponse): boolean {
  if (!String(r.headers['content-type'] ?? '').includes('application/json')) return false;
  const body = json(r.body);
  if (path === PATHS.chat || path === PATHS.responses) return openaiError(body);
  if (path === PATHS.messages || path === PATHS.count_tokens) return anthropicError(body);
  return anthropicError(body) || openaiError(body);
}

function validAnswer(c: Case, r: RawResponse): boolean {
  if (r.status !== 200) return false;
  if (c.stream) {
    if (c.api === 'chat') return r.body.includes('[DONE]');
    if (c.api === 'responses') return r.body.includes('event: response.completed');
    return r.body.includes('message_stop');
  }
  const body = json(r.body);
  if (!isRecord(body)) return false;
  if (c.api === 'count_tokens') return typeof body['input_tokens'] === 'number';
  if (c.api === 'chat') return body['object'] === 'chat.completion';
  if (c.api === 'responses') return body['object'] === 'response' && body['status'] === 'completed';
  return body['type'] === 'message';
}

function snippet(text: string | Buffer, max = 240): string {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  const shown = JSON.stringify(s.slice(0, max));
  return s.length > max ? `${shown}… (${s.length} chars)` : shown;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function healthOk(url: string): Promise<{ ok: boolean; status: number }> {
  const r = await send(url, { method: 'GET', path: '/health' }, { timeoutMs: 10_000 });
  return { ok: r.status === 200 && isRecord(json(r.body)), status: r.status };
}

/** Row bookkeeping: push the row, then fail the test with its failures. */
function finish(row: Row): void {
  record(row);
  expect(row.failures, row.phase).toEqual([]);
}

describe.sequential('reliability of `claude-wrapper serve`', () => {
  it('answers ≥ 10,000 generated bad requests with structured 4xx, no crash, no CLI process', async () => {
    note(
      `bad requests: fixed seed ${FIXED_SEED} and random seed ${RANDOM_SEED}, ${PER_SEED} each (reproduce: RELIABILITY_SEED=${RANDOM_SEED} npm run test:reliability)`,
    );
    const { server, fake, marker } = await fakeServer(
      { default: { kind: 'reply', text: 'ok' } },
      { maxConcurrent: 8, maxQueue: 64 },
    );
    const seeds = [FIXED_SEED, RANDOM_SEED];
    const valid = validCases();
    type Item = { c: Case; seed: number; index: number; group: string };
    const items: Item[] = [];
    let validIndex = 0;
    for (const seed of seeds) {
      const sample = fc.sample(badRequestArb, { seed, numRuns: PER_SEED });
      sample.forEach((c, index) => {
        items.push({ c, seed, index, group: `bad requests, seed ${seed}` });
        if (items.length % VALID_EVERY === 0) {
          const v = valid[validIndex++ % valid.length] as Case;
          items.push({ c: v, seed, index: -1, group: 'valid requests interleaved' });
        }
      });
    }
    const agent = keepAliveAgent(8);
    const rssBefore = rssMb(server.pid);
    const fdsBefore = openFds(server.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMb(server.pid) || 0);
    }, 250);
    let bytesSent = 0;
    let largestErrorBody = 0;
    type Outcome = {
      item: Item;
      status: number;
      good: boolean;
      ms: number;
      body: string;
      error?: string;
      request?: string;
    };
    const started = performance.now();
    const outcomes = await pool(items.length, 8, async (i): Promise<Outcome> => {
      const item = items[i] as Item;
      const tag = `rq-${i}`;
      const body = item.c.body(tag);
      bytesSent += Buffer.byteLength(body);
      const r = await send(
        server.url,
        {
          method: item.c.method,
          path: item.c.path,
          headers: item.c.headers,
          body,
          ...(item.c.chunked ? { chunked: true } : {}),
        },
        { agent, timeoutMs: 30_000 },
      );
      const good =
        item.c.expect === 'ok'
          ? validAnswer(item.c, r)
          : r.status >= 400 && r.status < 500 && structuredError(item.c.path, r);
      if (r.status >= 400) largestErrorBody = Math.max(largestErrorBody, r.body.length);
      return {
        item,
        status: r.status,
        good,
        ms: r.ms,
        body: good ? '' : `${snippet(r.body)}`,
        ...(r.error ? { error: r.error } : {}),
        ...(good ? {} : { request: snippet(body, 160) }),
      };
    });
    const elapsed = performance.now() - started;
    clearInterval(sampler);
    agent.destroy();
    await sleep(500);
    const rssAfter = rssMb(server.pid);
    const fdsAfter = openFds(server.pid);
    const crashed = !server.alive() || !pidAlive(server.pid);
    const health = crashed ? { ok: false, status: 0 } : await healthOk(server.url);
    const orphans = (await waitNoMarked(marker, 3000)).length;

    // Which requests started a CLI process: the tag is in the prompt (stdin) or argv.
    const invocations = fake.invocations();
    const tagOf = (inv: { argv: string[]; stdin: unknown[] }): number | undefined => {
      const m = /rq-(\d+)\b/.exec(JSON.stringify([inv.stdin, inv.argv]));
      return m ? Number(m[1]) : undefined;
    };
    const spawnsBy = new Map<number, number>();
    let untagged = 0;
    for (const inv of invocations) {
      const t = tagOf(inv);
      if (t === undefined) untagged++;
      else spawnsBy.set(t, (spawnsBy.get(t) ?? 0) + 1);
    }

    const byGroup = new Map<string, Outcome[]>();
    for (const o of outcomes) byGroup.set(o.item.group, [...(byGroup.get(o.item.group) ?? []), o]);
    const crashNote = crashed ? `server died: ${JSON.stringify(await server.exited())}` : '';
    for (const [group, list] of byGroup) {
      const isValid = group.startsWith('valid');
      const indexes = new Set(list.map((o) => outcomes.indexOf(o)));
      let spawns = 0;
      for (const [t, n] of spawnsBy) if (indexes.has(t)) spawns += n;
      const expectedSpawns = isValid ? list.filter((o) => o.item.c.spawns && o.good).length : 0;
      const ok = list.filter((o) => o.status >= 200 && o.status < 300).length;
      const c4xx = list.filter((o) => o.status >= 400 && o.status < 500).length;
      const c5xx = list.filter((o) => o.status >= 500).length;
      const noAnswer = list.filter((o) => o.status === 0).length;
      const bad = list.filter((o) => !o.good);
      const lat = list.map((o) => o.ms).sort((a, b) => a - b);
      const failures: string[] = [];
      if (crashed) failures.push(crashNote);
      if (c5xx) failures.push(`${c5xx} answered 5xx`);
      if (noAnswer) failures.push(`${noAnswer} got no answer (timeout or reset)`);
      if (isValid) {
        if (bad.length) failures.push(`${bad.length} valid requests not answered 200`);
      } else {
        if (ok) failures.push(`${ok} bad requests answered 2xx`);
        const unstructured = list.filter((o) => o.status >= 400 && o.status < 500 && !o.good).length;
        if (unstructured) failures.push(`${unstructured} 4xx without the API's JSON error shape`);
        if (spawns) failures.push(`${spawns} CLI processes started`);
      }
      if (!isValid && group.endsWith(String(RANDOM_SEED)) && bad.length)
        failures.push(`reproduce: RELIABILITY_SEED=${RANDOM_SEED}`);
      record({
        phase: group,
        requests: list.length,
        ok,
        c4xx,
        c5xx,
        crashes: crashed ? 1 : 0,
        spawns,
        orphans,
        ms: elapsed,
        figures: isValid
          ? `expected 200 and ${expectedSpawns} CLI runs; p50 ${pct(lat, 50).toFixed(1)} ms`
          : `structured 4xx ${list.length - bad.length}/${list.length}; p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`,
        failures,
      });
    }
    // Per-category breakdown and examples of every kind of failure.
    const cats = new Map<string, Outcome[]>();
    for (const o of outcomes) cats.set(o.item.c.category, [...(cats.get(o.item.c.category) ?? []), o]);
    const lines = [
      '| category | sent | expected | as expected | 2xx | 4xx | 5xx | no answer | CLI spawns |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    const examples: string[] = [];
    const failingKinds = new Map<string, { count: number; first: Outcome }>();
    const kindLines = [
      '| count | category | route | request (digits as N) | status |',
      '| --- | --- | --- | --- | --- |',
    ];
    for (const [cat, list] of [...cats].sort((a, b) => a[0].localeCompare(b[0]))) {
      let spawns = 0;
      for (const o of list) spawns += spawnsBy.get(outcomes.indexOf(o)) ?? 0;
      const count = (p: (s: number) => boolean) => list.filter((o) => p(o.status)).length;
      const expected = list[0]?.item.c.expect === 'ok' ? '200' : 'JSON 4xx';
      lines.push(
        `| ${cat} | ${list.length} | ${expected} | ${list.filter((o) => o.good).length} | ${count((s) => s >= 200 && s < 300)} | ${count((s) => s >= 400 && s < 500)} | ${count((s) => s >= 500)} | ${count((s) => s === 0)} | ${spawns} |`,
      );
      for (const o of list.filter((x) => !x.good)) {
        const note = o.item.c.note.replace(/\d+/g, 'N').replace(/rq-N/g, '').slice(0, 70);
        const key = [cat, `${o.item.c.method} ${o.item.c.path}`, note, String(o.status)].join('\u0001');
        const kind = failingKinds.get(key);
        if (kind) kind.count++;
        else failingKinds.set(key, { count: 1, first: o });
      }
    }
    for (const [key, { count, first: o }] of [...failingKinds].sort((a, b) => b[1].count - a[1].count)) {
      const [cat, route, note, status] = key.split('\u0001');
      kindLines.push(`| ${count} | ${cat} | ${route} | ${(note ?? '').replaceAll('|', '\\|')} | ${status} |`);
      if (examples.length < 40)
        examples.push(
          `- ${cat} — seed ${o.item.seed} #${o.item.index}: ${o.item.c.method} ${o.item.c.path} (${o.item.c.note.slice(0, 120)}) → ${o.status}${o.error ? ` (${o.error})` : ''} ${o.body}; request body ${o.request ?? ''}`,
        );
    }
    lines.push(
      '',
      `${items.length} requests, ${(bytesSent / 1e6).toFixed(0)} MB sent in ${(elapsed / 1000).toFixed(1)} s (${(
        items.length /
        (elapsed / 1000)
      ).toFixed(0)} req/s, concurrency 8, keep-alive); largest error body ${largestErrorBody} bytes; ` +
        `${invocations.length} CLI processes started (${untagged} not attributable); /health after: ${health.status}.`,
    );
    section('Bad requests by category', lines);
    if (kindLines.length > 2) section('Requests not answered as expected, by kind', kindLines);
    if (examples.length) section('One example per kind (first 40 kinds)', examples);
    console.log(lines.join('\n'));
    finish({
      phase: 'bad requests: server alive and healthy after',
      requests: 1,
      ok: health.ok ? 1 : 0,
      c4xx: 0,
      c5xx: health.status >= 500 ? 1 : 0,
      crashes: crashed ? 1 : 0,
      spawns: invocations.length,
      orphans,
      ms: elapsed,
      figures: `pid alive: ${!crashed}; GET /health ${health.status}; ${(bytesSent / 1e6).toFixed(0)} MB sent; RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} → ${rssAfter.toFixed(0)} MB; fds ${fdsBefore} → ${fdsAfter}`,
      failures: [
        ...(crashed ? [crashNote] : []),
        ...(health.ok ? [] : [`GET /health answered ${health.status}`]),
        ...(orphans ? [`${orphans} orphan CLI processes`] : []),
        ...(outcomes.filter((o) => !o.good).length
          ? [
              `${outcomes.filter((o) => !o.good).length} of ${outcomes.length} requests not answered as expected (rows above)`,
            ]
          : []),
      ],
    });
  }, 300_000);

  describe.sequential('fault matrix', () => {
    let api: FakeApi;
    let cli: CliEnv;
    let cutter: CuttingProxy;
    let real: { server: ServerProcess; marker: string } | undefined;

    async function realServer(): Promise<{ server: ServerProcess; marker: string }> {
      if (real) return real;
      api = await startFakeApi();
      cutter = await startCuttingProxy(api.port);
      cli = await makeCliEnv(cutter.url);
      const marker = randomUUID();
      const server = await startServer({
        server: { warmPoolSize: 0, sessionStorePath: ':memory:', drainTimeoutMs: 2000 },
        wrapper: {
          claudeBinary: realClaudeBinary(),
          env: { ...cli.env, RELIABILITY_MARKER: marker },
          logLevel: 'silent',
          cliMaxRetries: 0,
          idleTimeoutMs: 4000,
          timeoutMs: 30_000,
          killGraceMs: 500,
        },
      });
      cleanups.push(async () => {
        await server.stop(3000);
        killMarked(marker);
        await cutter.close();
        await api.close();
        await cli.cleanup();
      });
      real = { server, marker };
      return real;
    }

    /** The upstream calls since `before`: how many, and which were streamed (the CLI's fallback is not). */
    const upstreamCalls = (before: number): string => {
      const calls = api.messageRequests().slice(before);
      const kinds = calls.map((c) =>
        (c.body as { stream?: unknown } | null)?.stream === true ? 'stream' : 'non-stream',
      );
      return `${calls.length} upstream call(s)${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
    };
    const anthropicRequest = (extra: Record<string, unknown> = {}) => ({
      method: 'POST',
      path: PATHS.messages,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...baseBody('messages', `fault-${randomUUID()}`), ...extra }),
    });
    const chatRequest = () => ({
      method: 'POST',
      path: PATHS.chat,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(baseBody('chat', `fault-${randomUUID()}`)),
    });

    /** One request against the real-CLI server; checks status, shape, time and orphans. */
    async function upstreamRow(
      phase: string,
      setup: () => void,
      request: { method: string; path: string; headers: Record<string, string>; body: string },
      expectStatus: (s: number) => boolean,
      expectText: string,
      boundMs: number,
      extraCheck: (r: RawResponse) => string[] = () => [],
    ): Promise<void> {
      const { server, marker } = await realServer();
      setup();
      const upstreamBefore = api.messageRequests().length;
      const r = await send(server.url, request, { timeoutMs: boundMs + 10_000 });
      const orphans = await waitNoMarked(marker, 3000);
      killMarked(marker);
      const failures: string[] = [];
      if (!expectStatus(r.status))
        failures.push(
          `status ${r.status}${r.error ? ` (${r.error})` : ''}, expected ${expectText}: ${snippet(r.body, 200)}`,
        );
      else if (r.status !== 200 && !structuredError(request.path, r))
        failures.push(`body not the API's JSON error: ${snippet(r.body, 200)}`);
      if (r.ms > boundMs) failures.push(`took ${r.ms.toFixed(0)} ms > ${boundMs} ms`);
      if (orphans.length)
        failures.push(`${orphans.length} orphans: ${orphans.map((o) => o.cmdline.slice(0, 60)).join(', ')}`);
      if (!server.alive()) failures.push('server died');
      failures.push(...extraCheck(r));
      const errType = (json(r.body) as { error?: { type?: string } } | undefined)?.error?.type ?? '';
      finish({
        phase,
        requests: 1,
        ok: r.status === 200 ? 1 : 0,
        c4xx: r.status >= 400 && r.status < 500 ? 1 : 0,
        c5xx: r.status >= 500 ? 1 : 0,
        crashes: server.alive() ? 0 : 1,
        spawns: 1,
        orphans: orphans.length,
        ms: r.ms,
        figures: `expected ${expectText} in ≤ ${boundMs / 1000} s; got ${r.status} ${errType}; ${upstreamCalls(upstreamBefore)}`,
        failures,
      });
    }

    /** Faults answered by a status alone (the 529 also with `retry-after`), one test each. */
    const statusRows: {
      name: string;
      phase: string;
      fault: FakeBehavior;
      request: () => { method: string; path: string; headers: Record<string, string>; body: string };
      expectStatus: (s: number) => boolean;
      expectText: string;
      boundMs: number;
      extraCheck?: (r: RawResponse) => string[];
    }[] = [
      {
        name: 'upstream 529 → 529 overloaded_error (Anthropic)',
        phase: 'fault: upstream 529 (Anthropic)',
        fault: { kind: 'error', status: 529 },
        request: anthropicRequest,
        expectStatus: (s) => s === 529,
        expectText: '529',
        boundMs: 15_000,
        extraCheck: (r) => (r.headers['retry-after'] ? [] : ['no retry-after header']),
      },
      {
        name: 'upstream 529 → 503 (OpenAI)',
        phase: 'fault: upstream 529 (OpenAI)',
        fault: { kind: 'error', status: 529 },
        request: chatRequest,
        expectStatus: (s) => s === 503 || s === 429,
        expectText: '503 or 429',
        boundMs: 15_000,
      },
      {
        name: 'upstream 401 → 401 authentication_error',
        phase: 'fault: upstream 401',
        fault: { kind: 'error', status: 401 },
        request: anthropicRequest,
        expectStatus: (s) => s === 401,
        expectText: '401',
        boundMs: 15_000,
      },
      {
        name: 'upstream hangs → 504 within the idle timeout',
        phase: 'fault: upstream hangs (idleTimeoutMs 4 s)',
        fault: { kind: 'hang' },
        request: anthropicRequest,
        expectStatus: (s) => s === 504,
        expectText: '504',
        boundMs: 12_000,
      },
      {
        name: 'upstream stalls after message_start → 504',
        phase: 'fault: upstream stalls after message_start',
        fault: { kind: 'stall-after-start' },
        request: anthropicRequest,
        expectStatus: (s) => s === 504,
        expectText: '504',
        boundMs: 12_000,
      },
    ];
    for (const row of statusRows) {
      it(
        row.name,
        async () => {
          await upstreamRow(
            row.phase,
            () => api.enqueue(row.fault),
            row.request(),
            row.expectStatus,
            row.expectText,
            row.boundMs,
            row.extraCheck,
          );
        },
        60_000,
      );
    }

    it('upstream connection cut mid-stream → 200 with the retried answer, never a truncated or mixed one', async () => {
      // The CLI falls back to a non-streaming request when a stream breaks; that retry gets the fake
      // API's default echo. Nothing of a JSON answer was sent yet, so the retried answer is the
      // answer: a 200 with it whole, not the text that arrived before the cut, nor a 502.
      const request = anthropicRequest();
      const tag =
        (JSON.parse(request.body) as { messages: { content: { text: string }[] }[] }).messages[0]?.content[0]
          ?.text ?? '';
      await upstreamRow(
        'fault: upstream cut mid-stream',
        () => {
          api.enqueue({ kind: 'text', chunks: ['alpha ', 'beta ', 'gamma'], chunkDelayMs: 400 });
          cutter.arm();
        },
        request,
        (s) => s === 200,
        '200 with the whole answer',
        15_000,
        (r) => {
          const failures = cutter.cuts > 0 ? [] : ['the stream was never cut (no content_block_delta seen)'];
          if (r.status !== 200) return failures;
          const text = ((json(r.body) as { content?: { text?: string }[] } | undefined)?.content ?? [])
            .map((b) => b.text ?? '')
            .join('');
          const complete = text === 'alpha beta gamma' || text === `You said: ${tag}`;
          if (!complete)
            failures.push(
              `200 with a truncated or foreign answer ${JSON.stringify(text)} (expected "alpha beta gamma" or "You said: ${tag}")`,
            );
          return failures;
        },
      );
    }, 60_000);

    /**
     * An SSE client while the upstream stream is cut after the first delta. The CLI then asks again
     * without streaming: that answer gets the echo (`retrySame` false: the stream must end with an
     * error event, or carry a whole answer) or the same text (`retrySame`: the rest must follow).
     */
    async function sseCutRow(retrySame: boolean): Promise<void> {
      const { server, marker } = await realServer();
      const tagText = `hello sse-cut-${randomUUID()}`;
      api.enqueue({ kind: 'text', chunks: ['alpha ', 'beta ', 'gamma'], chunkDelayMs: 400 });
      if (retrySame) api.enqueue({ kind: 'text', chunks: ['alpha ', 'beta ', 'gamma'] });
      const cutsBefore = cutter.cuts;
      cutter.arm();
      const upstreamBefore = api.messageRequests().length;
      const r = await send(
        server.url,
        {
          method: 'POST',
          path: PATHS.messages,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'claude-sonnet-4-5',
            max_tokens: 64,
            stream: true,
            messages: [{ role: 'user', content: tagText }],
          }),
        },
        { timeoutMs: 25_000 },
      );
      const orphans = await waitNoMarked(marker, 3000);
      killMarked(marker);
      let text = '';
      let errorEvent = false;
      for (const line of r.body.split('\n')) {
        if (line.startsWith('event: error')) errorEvent = true;
        if (!line.startsWith('data: ')) continue;
        const data = json(line.slice(6)) as
          { type?: string; delta?: { type?: string; text?: string } } | undefined;
        if (data?.type === 'error') errorEvent = true;
        if (data?.delta?.type === 'text_delta') text += data.delta.text ?? '';
      }
      const complete = text === 'alpha beta gamma' || text === `You said: ${tagText}`;
      const failures: string[] = [];
      if (cutter.cuts === cutsBefore) failures.push('the stream was never cut');
      if (r.status === 200 && !errorEvent && !complete)
        failures.push(`SSE ended normally with truncated or mixed text ${JSON.stringify(text)}`);
      if (retrySame && (r.status !== 200 || errorEvent || text !== 'alpha beta gamma'))
        failures.push(
          `the retry carried the same answer, but the client got ${r.status}, text ${JSON.stringify(text)}${errorEvent ? ' and an error event' : ''}`,
        );
      if (r.status !== 200 && !(r.status >= 500 && structuredError(PATHS.messages, r)))
        failures.push(`status ${r.status}${r.error ? ` (${r.error})` : ''}: ${snippet(r.body, 160)}`);
      if (r.ms > 15_000) failures.push(`took ${r.ms.toFixed(0)} ms`);
      if (orphans.length) failures.push(`${orphans.length} orphans`);
      if (!server.alive()) failures.push('server died');
      finish({
        phase: retrySame
          ? 'fault: upstream cut mid-stream, retry gives the same answer (SSE client)'
          : 'fault: upstream cut mid-stream (SSE client)',
        requests: 1,
        ok: r.status === 200 ? 1 : 0,
        c4xx: r.status >= 400 && r.status < 500 ? 1 : 0,
        c5xx: r.status >= 500 ? 1 : 0,
        crashes: server.alive() ? 0 : 1,
        spawns: 1,
        orphans: orphans.length,
        ms: r.ms,
        figures: `expected ${retrySame ? 'the whole text' : 'the whole text or an error event'}; got ${r.status}, text ${JSON.stringify(text)}, error event: ${errorEvent}; ${upstreamCalls(upstreamBefore)}`,
        failures,
      });
    }

    it('upstream cut mid-stream, SSE client → a complete text or an error event, never a silently truncated stream', async () => {
      await sseCutRow(false);
    }, 60_000);

    it('upstream cut mid-stream, the retry gives the same answer, SSE client → the whole text', async () => {
      await sseCutRow(true);
    }, 60_000);

    it('upstream cut mid-stream, the retry gives the same answer → 200 with the whole text', async () => {
      await upstreamRow(
        'fault: upstream cut mid-stream, retry gives the same answer',
        () => {
          api.enqueue(
            { kind: 'text', chunks: ['alpha ', 'beta ', 'gamma'], chunkDelayMs: 400 },
            { kind: 'text', chunks: ['alpha ', 'beta ', 'gamma'] },
          );
          cutter.arm();
        },
        anthropicRequest(),
        (s) => s === 200,
        '200 with "alpha beta gamma"',
        15_000,
        (r) => {
          const text = ((json(r.body) as { content?: { text?: string }[] } | undefined)?.content ?? [])
            .map((b) => b.text ?? '')
            .join('');
          return text === 'alpha beta gamma' ? [] : [`answer ${JSON.stringify(text)}`];
        },
      );
    }, 60_000);

    it('CLI SIGKILLed mid-run → structured 5xx, not a hang', async () => {
      const { server, marker, fake } = await fakeServer({ default: { kind: 'hang' } });
      const pending = send(server.url, anthropicRequest(), { timeoutMs: 20_000 });
      let victim: number | undefined;
      const deadline = Date.now() + 10_000;
      while (victim === undefined && Date.now() < deadline) {
        victim = markedProcesses(marker).find((p) => p.cmdline.includes('fake-claude'))?.pid;
        if (victim === undefined) await sleep(50);
      }
      await sleep(300);
      const killedAt = performance.now();
      if (victim !== undefined) process.kill(victim, 'SIGKILL');
      const r = await pending;
      const afterKill = performance.now() - killedAt;
      const orphans = await waitNoMarked(marker, 3000);
      const failures: string[] = [];
      if (victim === undefined) failures.push('no CLI process found to kill');
      if (!(r.status >= 500 && r.status < 600))
        failures.push(`status ${r.status}${r.error ? ` (${r.error})` : ''}: ${snippet(r.body, 200)}`);
      else if (!structuredError(PATHS.messages, r))
        failures.push(`body not the API's JSON error: ${snippet(r.body)}`);
      if (afterKill > 5000) failures.push(`answered ${afterKill.toFixed(0)} ms after the kill (> 5 s)`);
      if (orphans.length) failures.push(`${orphans.length} orphans`);
      if (!server.alive()) failures.push('server died');
      finish({
        phase: 'fault: CLI SIGKILLed mid-run',
        requests: 1,
        ok: 0,
        c4xx: r.status >= 400 && r.status < 500 ? 1 : 0,
        c5xx: r.status >= 500 ? 1 : 0,
        crashes: server.alive() ? 0 : 1,
        spawns: spawnCount(fake),
        orphans: orphans.length,
        ms: r.ms,
        figures: `expected 5xx ≤ 5 s after the kill; got ${r.status} ${afterKill.toFixed(0)} ms after it`,
        failures,
      });
    }, 60_000);

    it('binary missing → structured error that says so', async () => {
      const marker = randomUUID();
      const missing = '/nonexistent/ccw-reliability/claude';
      const server = await startServer({
        server: { warmPoolSize: 0, sessionStorePath: ':memory:' },
        wrapper: { claudeBinary: missing, env: { RELIABILITY_MARKER: marker }, logLevel: 'silent' },
      });
      cleanups.push(() => server.stop(2000));
      const r = await send(server.url, anthropicRequest(), { timeoutMs: 20_000 });
      const rc = await send(server.url, chatRequest(), { timeoutMs: 20_000 });
      const health = await send(server.url, { method: 'GET', path: '/health' }, { timeoutMs: 10_000 });
      const failures: string[] = [];
      for (const [res, path] of [
        [r, PATHS.messages],
        [rc, PATHS.chat],
      ] as const) {
        if (!(res.status >= 500 && res.status < 600)) failures.push(`${path}: status ${res.status}`);
        if (!structuredError(path, res))
          failures.push(`${path}: body not the API's JSON error: ${snippet(res.body)}`);
        const message =
          (json(res.body) as { error?: { message?: string } } | undefined)?.error?.message ?? '';
        if (!/not found|no such file|missing|install|ENOENT/i.test(message))
          failures.push(`${path}: message does not say the binary is missing: ${snippet(message, 160)}`);
        if (res.ms > 5000) failures.push(`${path}: took ${res.ms.toFixed(0)} ms`);
      }
      if (health.status !== 503) failures.push(`/health answered ${health.status}, expected 503`);
      finish({
        phase: 'fault: claude binary missing',
        requests: 3,
        ok: 0,
        c4xx: [r, rc].filter((x) => x.status >= 400 && x.status < 500).length,
        c5xx: [r, rc].filter((x) => x.status >= 500).length,
        crashes: server.alive() ? 0 : 1,
        spawns: 0,
        orphans: 0,
        ms: r.ms + rc.ms,
        figures: `expected 5xx naming the missing binary, /health 503; got ${r.status}/${rc.status}, /health ${health.status}: ${snippet(
          (json(r.body) as { error?: { message?: string } } | undefined)?.error?.message ?? r.body,
          100,
        )}`,
        failures,
      });
    }, 60_000);

    /** Requests with two-turn histories (so the conversation store is written) keep being answered. */
    async function storeUnderPressureRow(phase: string, storePath: string, fill: () => void): Promise<void> {
      const { server, marker, fake } = await fakeServer(
        { default: { kind: 'reply', text: 'ok' } },
        { sessionStorePath: storePath },
      );
      const conversation = (i: number) =>
        JSON.stringify({
          model: 'claude-sonnet-4-5',
          max_tokens: 32,
          messages: [
            { role: 'user', content: `first ${i}` },
            { role: 'assistant', content: `answer ${i}` },
            { role: 'user', content: `second ${i} ${'x'.repeat(20_000)}` },
          ],
        });
      const started = performance.now();
      const results: RawResponse[] = [];
      const first = await send(server.url, {
        method: 'POST',
        path: PATHS.messages,
        headers: { 'content-type': 'application/json' },
        body: conversation(0),
      });
      results.push(first);
      fill();
      for (let i = 1; i <= 10; i++)
        results.push(
          await send(
            server.url,
            {
              method: 'POST',
              path: PATHS.messages,
              headers: { 'content-type': 'application/json' },
              body: conversation(i),
            },
            { timeoutMs: 15_000 },
          ),
        );
      const ms = performance.now() - started;
      const orphans = await waitNoMarked(marker, 3000);
      const ok = results.filter((x) => x.status === 200).length;
      const failures: string[] = [];
      if (ok !== results.length)
        failures.push(
          `${results.length - ok} not answered 200: ${[...new Set(results.filter((x) => x.status !== 200).map((x) => `${x.status} ${snippet(x.body, 120)}`))].join(', ')}`,
        );
      const slow = Math.max(...results.map((x) => x.ms));
      if (slow > 10_000) failures.push(`slowest ${slow.toFixed(0)} ms`);
      if (!server.alive()) failures.push(`server died: ${snippet(server.stderr(), 200)}`);
      if (orphans.length) failures.push(`${orphans.length} orphans`);
      finish({
        phase,
        requests: results.length,
        ok,
        c4xx: results.filter((x) => x.status >= 400 && x.status < 500).length,
        c5xx: results.filter((x) => x.status >= 500).length,
        crashes: server.alive() ? 0 : 1,
        spawns: spawnCount(fake),
        orphans: orphans.length,
        ms,
        figures: `expected 200 for all; slowest ${slow.toFixed(0)} ms`,
        failures,
      });
    }

    it('disk full under the session store → requests still answered', async () => {
      const mnt = await mkdtemp(join(tmpdir(), 'ccw-rel-tmpfs-'));
      let mounted = false;
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'ignore' });
        mounted = true;
      } catch {
        // not permitted here: fall back to a store path whose parent is a regular file
      }
      cleanups.push(async () => {
        if (mounted) {
          try {
            execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
          } catch {
            // already gone
          }
        }
        await rm(mnt, { recursive: true, force: true });
      });
      if (mounted) {
        await storeUnderPressureRow(
          'fault: disk full (store on a 256 KB tmpfs, filled)',
          join(mnt, 'sessions'),
          () => {
            // Fill every last block.
            const chunk = Buffer.alloc(4096, 1);
            for (let i = 0; ; i++) {
              try {
                appendFileSync(join(mnt, 'filler'), chunk);
              } catch {
                break;
              }
              if (i > 100_000) break;
            }
            for (let i = 0; i < 64; i++) {
              try {
                writeFileSync(join(mnt, `f${i}`), 'x');
              } catch {
                break;
              }
            }
          },
        );
      }
      const file = join(mnt.replace(/\/$/, '') + '-file');
      writeFileSync(file, 'not a directory');
      cleanups.push(() => rm(file, { force: true }));
      await storeUnderPressureRow(
        'fault: store path under a regular file',
        join(file, 'sessions'),
        () => undefined,
      );
    }, 120_000);

    it('server SIGKILLed mid-write, restarted on the same store → starts and answers', async () => {
      const scenario: FakeClaudeScenario = {
        default: { kind: 'reply', chunks: ['o', 'k'], chunkDelayMs: 100 },
      };
      const first = await fakeServer(scenario, { maxConcurrent: 8, maxQueue: 64 });
      const conversation = (i: number) =>
        JSON.stringify({
          model: 'claude-sonnet-4-5',
          max_tokens: 32,
          messages: [
            { role: 'user', content: `kill test ${i}` },
            { role: 'assistant', content: `answer ${i}` },
            { role: 'user', content: `again ${i}` },
          ],
        });
      const post = (url: string, body: string) =>
        send(
          url,
          { method: 'POST', path: PATHS.messages, headers: { 'content-type': 'application/json' }, body },
          { timeoutMs: 15_000 },
        );
      let answered = 0;
      const inflight = Array.from({ length: 40 }, (_, i) =>
        post(first.server.url, conversation(i)).then((r) => {
          if (r.status === 200) answered++;
          return r;
        }),
      );
      const deadline = Date.now() + 15_000;
      while (answered < 15 && Date.now() < deadline) await sleep(5);
      const started = performance.now();
      first.server.child.kill('SIGKILL');
      await first.server.exited();
      await Promise.all(inflight);
      const orphans = await waitNoMarked(first.marker, 3000);
      killMarked(first.marker);
      const failures: string[] = [];
      let restarted: ServerProcess | undefined;
      try {
        restarted = await startServer({
          server: { warmPoolSize: 0, sessionStorePath: join(first.storeDir, 'sessions') },
          wrapper: {
            claudeBinary: first.fake.binary,
            env: {
              ...first.fake.env,
              RELIABILITY_MARKER: first.marker,
              ANTHROPIC_API_KEY: 'sk-ant-reliability-fake',
            },
            logLevel: 'silent',
            killGraceMs: 300,
          },
          startTimeoutMs: 10_000,
        });
      } catch (error) {
        failures.push(`restart failed: ${(error as Error).message.slice(0, 300)}`);
      }
      const restartMs = performance.now() - started;
      const after: RawResponse[] = [];
      if (restarted) {
        const r = restarted;
        cleanups.push(() => r.stop(2000));
        for (let i = 0; i < 5; i++) after.push(await post(r.url, conversation(i)));
        after.push(await post(r.url, JSON.stringify(baseBody('messages', 'after-restart'))));
      }
      const ok = after.filter((x) => x.status === 200).length;
      if (restarted && ok !== after.length)
        failures.push(
          `${after.length - ok} of ${after.length} not 200 after restart: ${after
            .filter((x) => x.status !== 200)
            .map((x) => `${x.status} ${snippet(x.body, 100)}`)
            .join(', ')}`,
        );
      if (orphans.length) failures.push(`${orphans.length} CLI processes outlived the killed server`);
      const orphansAfter = await waitNoMarked(first.marker, 3000);
      if (orphansAfter.length) failures.push(`${orphansAfter.length} orphans after restart`);
      finish({
        phase: 'fault: server SIGKILLed mid-write, restarted',
        requests: 40 + after.length,
        ok: answered + ok,
        c4xx: after.filter((x) => x.status >= 400 && x.status < 500).length,
        c5xx: after.filter((x) => x.status >= 500).length,
        crashes: 0,
        spawns: spawnCount(first.fake),
        orphans: orphans.length + orphansAfter.length,
        ms: restartMs,
        figures: `killed after ${answered} of 40 answers; restart + ${after.length} requests ${(restartMs / 1000).toFixed(1)} s; ${ok}/${after.length} answered 200`,
        failures,
      });
    }, 90_000);

    it('SIGTERM with stdout/stderr closed → drains and exits within drainTimeoutMs + grace', async () => {
      const drainTimeoutMs = 3000;
      const graceMs = 3000;
      // First CLI process: a 1.2 s answer (finishes within the drain); second: never answers.
      const fake = await withFakeClaude({
        byInvocation: [{ kind: 'reply', chunks: ['slow ', 'answer'], chunkDelayMs: 600 }, { kind: 'hang' }],
      });
      cleanups.push(() => fake.cleanup());
      const marker = randomUUID();
      const server = await startServer({
        server: { warmPoolSize: 0, sessionStorePath: ':memory:', drainTimeoutMs },
        wrapper: {
          claudeBinary: fake.binary,
          env: { ...fake.env, RELIABILITY_MARKER: marker, ANTHROPIC_API_KEY: 'sk-ant-reliability-fake' },
          logLevel: 'info',
          killGraceMs: 300,
        },
      });
      cleanups.push(async () => {
        await server.stop(1000);
        killMarked(marker);
      });
      // The reader of both pipes goes away: every later write by the server gets EPIPE.
      server.child.stdout?.destroy();
      server.child.stderr?.destroy();
      const slow = send(server.url, anthropicRequest(), { timeoutMs: 20_000 });
      // A second run that would never finish by itself: the drain deadline has to cut it.
      const firstSeen = Date.now();
      while (markedProcesses(marker).length < 1 && Date.now() - firstSeen < 5000) await sleep(20);
      await sleep(300);
      const hung = send(server.url, anthropicRequest(), { timeoutMs: 20_000 });
      const waitStart = Date.now();
      while (markedProcesses(marker).length < 2 && Date.now() - waitStart < 5000) await sleep(50);
      await sleep(200);
      const t0 = performance.now();
      server.child.kill('SIGTERM');
      const bound = drainTimeoutMs + graceMs;
      const exit = await Promise.race([server.exited(), sleep(bound + 5000).then(() => undefined)]);
      const exitMs = performance.now() - t0;
      const [slowR, hungR] = await Promise.all([slow, hung]);
      const orphans = await waitNoMarked(marker, 3000);
      const failures: string[] = [];
      if (!exit) failures.push(`still running ${((bound + 5000) / 1000).toFixed(0)} s after SIGTERM`);
      else if (exitMs > bound) failures.push(`exited after ${exitMs.toFixed(0)} ms > ${bound} ms`);
      if (exit && exit.code !== 0) failures.push(`exit ${JSON.stringify(exit)}`);
      if (slowR.status !== 200)
        failures.push(
          `the in-flight request that finishes within the drain got ${slowR.status}${slowR.error ? ` (${slowR.error})` : ''}`,
        );
      if (orphans.length) failures.push(`${orphans.length} orphans`);
      finish({
        phase: 'fault: SIGTERM with stdout/stderr pipes closed',
        requests: 2,
        ok: [slowR, hungR].filter((x) => x.status === 200).length,
        c4xx: [slowR, hungR].filter((x) => x.status >= 400 && x.status < 500).length,
        c5xx: [slowR, hungR].filter((x) => x.status >= 500).length,
        crashes: exit && exit.code !== 0 ? 1 : 0,
        spawns: spawnCount(fake),
        orphans: orphans.length,
        ms: exitMs,
        figures: `bound ${bound / 1000} s; exit ${exit ? `${exit.code ?? exit.signal} after ${(exitMs / 1000).toFixed(1)} s` : 'none'}; in-flight 1.2 s run → ${slowR.status || slowR.error}, hung run → ${hungR.status || hungR.error}`,
        failures,
      });
    }, 60_000);
  });

  it('200 client-aborted streams: no orphans, fds and RSS back to baseline', async () => {
    const { server, marker, fake } = await fakeServer(
      { default: { kind: 'reply', chunks: ['one ', 'two ', 'three ', 'four '], chunkDelayMs: 250 } },
      { maxConcurrent: 8, maxQueue: 64 },
    );
    const streamRequest = (i: number) => {
      const api = STREAMING_APIS[i % STREAMING_APIS.length] as Api;
      return {
        method: 'POST',
        path: PATHS[api],
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...baseBody(api, `abort-${i}`), stream: true }),
      };
    };
    // Warm-up: complete streams, then as many aborted ones as are measured, then let everything
    // settle. The server's first few hundred requests grow its heap to its working size (RSS
    // 90 → ~110 MB, then flat: 111, 115, 116, 116, 117 MB over five more rounds of 200); a leak
    // shows as growth after that.
    await pool(8, 4, (i) => send(server.url, streamRequest(i), { timeoutMs: 20_000 }));
    await pool(200, 8, (i) => sendAndAbortAfterFirstBytes(server.url, streamRequest(i)));
    await waitNoMarked(marker, 5000);
    await sleep(3000);
    const fdsBefore = openFds(server.pid);
    const rssBefore = rssMb(server.pid);
    const started = performance.now();
    const results = await pool(200, 8, (i) => sendAndAbortAfterFirstBytes(server.url, streamRequest(i)));
    const elapsed = performance.now() - started;
    const orphanList = await waitNoMarked(marker, 5000);
    // Settle: V8 returns memory some seconds after the last activity.
    let fdsAfter = openFds(server.pid);
    let rssAfter = rssMb(server.pid);
    const settleStart = Date.now();
    while (
      (fdsAfter > fdsBefore * 1.1 || rssAfter > rssBefore * 1.1) &&
      Date.now() - settleStart < 30_000 &&
      server.alive()
    ) {
      await sleep(1000);
      fdsAfter = openFds(server.pid);
      rssAfter = rssMb(server.pid);
    }
    const settled = (Date.now() - settleStart) / 1000;
    const gotBytes = results.filter((r) => r.gotBytes).length;
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const health = server.alive() ? await healthOk(server.url) : { ok: false, status: 0 };
    const failures: string[] = [];
    if (gotBytes !== 200)
      failures.push(
        `${200 - gotBytes} streams sent no bytes before the abort: ${JSON.stringify([...statuses])}`,
      );
    if (orphanList.length) failures.push(`${orphanList.length} orphan CLI processes`);
    if (!(fdsAfter <= fdsBefore * 1.1)) failures.push(`fds ${fdsBefore} → ${fdsAfter} (> +10%)`);
    if (!(rssAfter <= rssBefore * 1.1))
      failures.push(`RSS ${rssBefore.toFixed(1)} → ${rssAfter.toFixed(1)} MB (> +10%)`);
    if (!server.alive()) failures.push('server died');
    if (!health.ok) failures.push(`/health ${health.status}`);
    finish({
      phase: '200 client-aborted streams',
      requests: 200,
      ok: results.filter((r) => r.status === 200).length,
      c4xx: results.filter((r) => r.status >= 400 && r.status < 500).length,
      c5xx: results.filter((r) => r.status >= 500).length,
      crashes: server.alive() ? 0 : 1,
      spawns: spawnCount(fake),
      orphans: orphanList.length,
      ms: elapsed,
      figures: `fds ${fdsBefore} → ${fdsAfter}; RSS ${rssBefore.toFixed(1)} → ${rssAfter.toFixed(1)} MB (after ${settled.toFixed(0)} s settle)`,
      failures,
    });
  }, 180_000);

  describe.sequential('load', () => {
    let server: ServerProcess;
    let marker: string;
    let fake: FakeClaude;

    async function loadServer(): Promise<void> {
      if (server) return;
      ({ server, marker, fake } = await fakeServer(
        { default: { kind: 'reply', chunks: ['lo', 'ad'], chunkDelayMs: 300 } },
        { maxConcurrent: 8, maxQueue: 8 },
      ));
    }
    const request = (i: number) => {
      const api = STREAMING_APIS[i % STREAMING_APIS.length] as Api;
      return {
        method: 'POST',
        path: PATHS[api],
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(baseBody(api, `load-${i}`)),
      };
    };

    it('concurrency 16 with maxConcurrent 8 + maxQueue 8 → all answered 200', async () => {
      await loadServer();
      const spawnsBefore = spawnCount(fake);
      const agent = keepAliveAgent(16);
      const started = performance.now();
      const results = await pool(64, 16, (i) => send(server.url, request(i), { agent, timeoutMs: 30_000 }));
      const elapsed = performance.now() - started;
      agent.destroy();
      const orphans = await waitNoMarked(marker, 3000);
      const ok = results.filter((r) => r.status === 200).length;
      const lat = results.map((r) => r.ms).sort((a, b) => a - b);
      const failures: string[] = [];
      if (ok !== 64)
        failures.push(
          `${64 - ok} not 200: ${[...new Set(results.filter((r) => r.status !== 200).map((r) => `${r.status}${r.error ? ` ${r.error}` : ''}`))].join(', ')}`,
        );
      if (orphans.length) failures.push(`${orphans.length} orphans`);
      if (!server.alive()) failures.push('server died');
      finish({
        phase: 'load: concurrency 16 (fits: 8 running + 8 queued)',
        requests: 64,
        ok,
        c4xx: results.filter((r) => r.status >= 400 && r.status < 500).length,
        c5xx: results.filter((r) => r.status >= 500).length,
        crashes: server.alive() ? 0 : 1,
        spawns: spawnCount(fake) - spawnsBefore,
        orphans: orphans.length,
        ms: elapsed,
        figures: `p50 ${pct(lat, 50).toFixed(0)} ms, max ${pct(lat, 100).toFixed(0)} ms`,
        failures,
      });
    }, 120_000);

    it('concurrency 64 → the excess gets 529 / 503 with retry-after, nothing else fails', async () => {
      await loadServer();
      const spawnsBefore = spawnCount(fake);
      const agent = keepAliveAgent(64);
      const started = performance.now();
      const all: { r: RawResponse; path: string }[] = [];
      const waveOk: number[] = [];
      for (let wave = 0; wave < 2; wave++) {
        const results = await Promise.all(
          Array.from({ length: 64 }, (_, i) => {
            const req = request(i);
            return send(server.url, req, { agent, timeoutMs: 30_000 }).then((r) => ({ r, path: req.path }));
          }),
        );
        waveOk.push(results.filter((x) => x.r.status === 200).length);
        all.push(...results);
        await waitNoMarked(marker, 5000);
      }
      const elapsed = performance.now() - started;
      agent.destroy();
      const orphans = await waitNoMarked(marker, 3000);
      const rejected = all.filter((x) => x.r.status !== 200);
      const properReject = (x: { r: RawResponse; path: string }) =>
        (x.path === PATHS.messages ? x.r.status === 529 : x.r.status === 503 || x.r.status === 429) &&
        x.r.headers['retry-after'] !== undefined &&
        structuredError(x.path, x.r);
      const wrong = rejected.filter((x) => !properReject(x));
      const timeouts = all.filter((x) => x.r.timedOut).length;
      const rejectLat = rejected.map((x) => x.r.ms).sort((a, b) => a - b);
      const failures: string[] = [];
      if (timeouts) failures.push(`${timeouts} timeouts`);
      if (wrong.length)
        failures.push(
          `${wrong.length} neither 200 nor a proper overload answer: ${[...new Set(wrong.map((x) => `${x.path} ${x.r.status} retry-after=${String(x.r.headers['retry-after'])}`))].slice(0, 4).join(', ')}`,
        );
      for (const [i, n] of waveOk.entries())
        if (n < 16) failures.push(`wave ${i + 1}: only ${n} answered 200 (16 fit)`);
      if (orphans.length) failures.push(`${orphans.length} orphans`);
      if (!server.alive()) failures.push('server died');
      finish({
        phase: 'load: concurrency 64 (2 waves of 64 at once)',
        requests: all.length,
        ok: all.length - rejected.length,
        c4xx: all.filter((x) => x.r.status >= 400 && x.r.status < 500).length,
        c5xx: all.filter((x) => x.r.status >= 500).length,
        crashes: server.alive() ? 0 : 1,
        spawns: spawnCount(fake) - spawnsBefore,
        orphans: orphans.length,
        ms: elapsed,
        figures: `200 per wave: ${waveOk.join(', ')}; ${rejected.length - wrong.length} overload answers (529 / 503, retry-after) in p50 ${pct(rejectLat, 50).toFixed(1)} ms`,
        failures,
      });
    }, 120_000);
  });
});
