/**
 * The Compose topology without Docker: two replicas of the built server with the Compose config
 * file (its Redis URL pointed at a local redis-server) and environment, behind a real nginx running
 * deploy/compose/nginx.conf (upstream names and the listen port mapped to local ones). Each replica
 * has a HOME of its own, as the containers do (no shared `~/.claude` volume): what they share goes
 * through Redis (`redisUrl`), the CLI session transcripts included, which the fake `claude` writes and
 * requires (`FAKE_CLAUDE_TRANSCRIPTS=1`: resuming an unknown session fails as with the real CLI).
 * What nginx and Redis do here is what they do in the containers; Docker, Compose and the pinned image
 * versions are not involved.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, ensureBuilt, type CliHarness } from '../cli/helpers.js';
import { freePort, REDIS_MISSING, redisAvailable, startRedis } from '../fixtures/redis-server.js';
import { skipAllUnless } from '../support/index.js';
import { dockerfileEnv, proxyServices, readJson, readRepoFile } from './deploy-files.js';

const nginxAvailable = spawnSync('nginx', ['-v']).status === 0;
const KEY = 'sk-compose-caller-0123456789';
const METRICS_KEY = 'sk-compose-metrics-0123456789';

/** A started process and what it printed. */
interface Started {
  readonly child: ChildProcess;
  output(): string;
}

describe('the Compose topology (nginx, two replicas, Redis)', () => {
  skipAllUnless(
    nginxAvailable && redisAvailable,
    nginxAvailable ? REDIS_MISSING : 'nginx not found (apt-get install nginx-light)',
  );

  const work = mkdtempSync(join(tmpdir(), 'deploy-compose-'));
  let h: CliHarness | undefined;
  let redis: { url: string; stop(): Promise<void> } | undefined;
  const replicas = new Map<string, { port: number; process: Started }>();
  let nginx: Started | undefined;
  let lb = '';
  const accessLog = join(work, 'access.log');

  beforeAll(async () => {
    if (!nginxAvailable || !redisAvailable) return;
    ensureBuilt();
    redis = await startRedis();
    h = await createHarness({ default: { kind: 'reply', text: 'from a replica', costUsd: 0.01 } });

    // The Compose config, with the Redis of this test.
    const config = readJson<{ server: Record<string, unknown> }>('deploy/compose/config.json');
    expect(config.server['redisUrl']).toBe('redis://redis:6379');
    expect(config.server).not.toHaveProperty('sessionStoreRedisUrl');
    const configFile = join(work, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ ...config, server: { ...config.server, redisUrl: redis.url } }),
    );

    // A HOME (and so a `~/.claude`) of its own per replica, as each container has.
    for (const [name, service] of proxyServices()) {
      expect(service.volumes?.join(' ') ?? '', name).not.toContain('.claude');
      const home = join(work, `home-${name}`);
      mkdirSync(home);
      const env = {
        ...h.env,
        ...dockerfileEnv(),
        PATH: process.env['PATH'] ?? '',
        ...service.environment,
        HOME: home,
        CLAUDE_CONFIG_PATH: configFile,
        CLAUDE_WRAPPER_API_KEYS: `${KEY},${METRICS_KEY}`,
        CLAUDE_WRAPPER_PORT: '0',
        ANTHROPIC_API_KEY: 'sk-ant-placeholder',
        FAKE_CLAUDE_TRANSCRIPTS: '1',
      };
      const replica = start(h.spawn(['serve'], { env }));
      const port = Number(await waitFor(replica, /listening on http:\/\/0\.0\.0\.0:(\d+)/));
      replicas.set(name, { port, process: replica });
    }

    // nginx with the repository's config: upstreams and listen port mapped to this machine.
    const lbPort = await freePort();
    let conf = readRepoFile('deploy/compose/nginx.conf');
    for (const [name, { port }] of replicas) {
      expect(conf).toContain(`server ${name}:8787 `);
      conf = conf.replace(`server ${name}:8787 `, `server 127.0.0.1:${port} `);
    }
    conf = conf.replace(/listen 8080;/, `listen 127.0.0.1:${lbPort};`);
    // /dev/stdout of a container; a file here (a test's stdout is a socket nginx cannot open).
    expect(conf).toContain('access_log /dev/stdout upstream;');
    conf = conf.replace('access_log /dev/stdout upstream;', `access_log ${accessLog} upstream;`);
    const confFile = join(work, 'nginx.conf');
    writeFileSync(confFile, conf);
    mkdirSync(join(work, 'logs'));
    const args = [
      '-p',
      work,
      '-c',
      confFile,
      '-g',
      `daemon off; pid ${join(work, 'nginx.pid')}; error_log stderr;`,
    ];
    const check = spawnSync('nginx', ['-t', ...args], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = start(spawn('nginx', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    lb = `http://127.0.0.1:${lbPort}`;
    for (let tries = 0; tries < 100; tries += 1) {
      const up = await fetch(`${lb}/lb/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      [nginx, ...[...replicas.values()].map((r) => r.process)].map((p) => p && stop(p.child)),
    );
    await redis?.stop();
    await h?.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  const headers = { 'x-api-key': KEY, 'content-type': 'application/json' };
  const messages = (body: object, base = lb) =>
    fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'sonnet', max_tokens: 50, ...body }),
    });

  it('nginx answers its own health check and keeps /metrics off the public port', async () => {
    expect((await fetch(`${lb}/lb/health`)).status).toBe(200);
    expect((await fetch(`${lb}/metrics`, { headers })).status).toBe(404);
    // Prometheus reaches each replica directly, with the metrics key.
    for (const { port } of replicas.values()) {
      const page = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_KEY}` },
      });
      expect(page.status).toBe(200);
    }
  });

  it('answers through the load balancer, streams unbuffered, and spreads requests over both replicas', async () => {
    for (let i = 0; i < 4; i += 1) {
      const response = await messages({ messages: [{ role: 'user', content: `hello ${i}` }] });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { content: { text: string }[] }).content[0]?.text).toBe(
        'from a replica',
      );
    }
    const stream = await messages({ stream: true, messages: [{ role: 'user', content: 'stream' }] });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const text = await stream.text();
    expect(text).toContain('event: message_start');
    expect(text).toContain('event: message_stop');
    const upstreams = new Set(
      [...readFileSync(accessLog, 'utf8').matchAll(/upstream=127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])),
    );
    expect([...upstreams].sort()).toEqual([...replicas.values()].map((r) => r.port).sort());
  });

  it('a conversation answered by one replica is resumed by the other (map and transcript through Redis)', async () => {
    const [a, b] = [...replicas.values()];
    const first = { role: 'user', content: 'remember the number 7' };
    const answered = await messages({ messages: [first] }, `http://127.0.0.1:${a?.port ?? 0}`);
    expect(answered.status).toBe(200);
    const reply = (await answered.json()) as { content: { type: 'text'; text: string }[] };
    const next = await messages(
      {
        messages: [
          first,
          { role: 'assistant', content: reply.content },
          { role: 'user', content: 'which number?' },
        ],
      },
      `http://127.0.0.1:${b?.port ?? 0}`,
    );
    expect(next.status).toBe(200);
    expect(next.headers.get('x-claude-code-context')).toBe('resumed');
  });

  it('a replica that stops (SIGTERM) drops out: nginx sends its requests to the other', async () => {
    const [name, stopping] = [...replicas.entries()][0] ?? [];
    expect(name).toBe('proxy-a');
    if (stopping) await stop(stopping.process.child);
    for (let i = 0; i < 4; i += 1) {
      const response = await messages({ messages: [{ role: 'user', content: `after stop ${i}` }] });
      expect(response.status).toBe(200);
      await response.text();
    }
  });
});

/** Collect a process's output as it runs. */
function start(child: ChildProcess): Started {
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

/** The first group of `pattern` in a process's output, once it appears. */
async function waitFor(started: Started, pattern: RegExp): Promise<string> {
  for (let tries = 0; tries < 300; tries += 1) {
    const match = pattern.exec(started.output());
    if (match?.[1]) return match[1];
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${pattern} in: ${started.output()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
