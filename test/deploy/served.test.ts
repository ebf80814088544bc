/**
 * The built server as the deployments start it (the image's environment, the Kubernetes config
 * file, bound to 0.0.0.0 with a key), over the fake `claude`: the probe and health-check paths answer
 * with the statuses the orchestrators expect, a replica without keys does not start, and `/metrics`
 * has every metric and label the Grafana dashboard and the Prometheus alerts use.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, ensureBuilt, type CliHarness } from '../cli/helpers.js';
import {
  dockerfileEnv,
  groupingLabels,
  KUSTOMIZE_BASE,
  metricUses,
  pageSeries,
  PROMETHEUS_SERIES,
  promqlExpressions,
  proxyPod,
  readYaml,
  ROOT,
  TARGET_LABELS,
} from './deploy-files.js';

const KEY = 'sk-deploy-test-0123456789';

let h: CliHarness;
const children: ChildProcess[] = [];
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness({ default: { kind: 'reply', text: 'deployed', costUsd: 0.02 } });
});
afterEach(async () => {
  await Promise.all(children.splice(0).map(stop));
});
afterAll(() => h.cleanup());

/**
 * The environment of the Kubernetes container: the image's ENV (but PATH), the Deployment's `env`
 * (secret references filled with test values), the config file from the repository, port 0.
 */
function deploymentEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const { PATH: _path, ...image } = dockerfileEnv();
  const secrets: Record<string, string> = {
    CLAUDE_WRAPPER_API_KEYS: KEY,
    ANTHROPIC_API_KEY: 'sk-ant-placeholder',
  };
  const fromPod: Record<string, string> = {};
  for (const variable of proxyPod().container.env) {
    const value = variable.value ?? secrets[variable.name];
    if (value !== undefined) fromPod[variable.name] = value;
  }
  return {
    ...h.env,
    ...image,
    ...fromPod,
    CLAUDE_CONFIG_PATH: join(ROOT, KUSTOMIZE_BASE, 'config.json'),
    CLAUDE_WRAPPER_PORT: '0',
    ...overrides,
  };
}

/** Start `serve` and wait for its address; rejects with its stderr if it exits first. */
async function serve(env: Record<string, string>): Promise<{ port: number; exited: Promise<number | null> }> {
  const child = h.spawn(['serve'], { env });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stderr);
      if (match?.[1]) resolve(Number(match[1]));
    });
  });
  return { port, exited };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Run the image's HEALTHCHECK script against a port. */
function healthcheck(port: number): number | null {
  const env = { ...dockerfileEnv(), PATH: process.env['PATH'] ?? '', CLAUDE_WRAPPER_PORT: String(port) };
  return spawnSync(process.execPath, [join(ROOT, 'deploy/docker/healthcheck.mjs')], { env, timeout: 10_000 })
    .status;
}

const status = async (port: number, path: string): Promise<number> =>
  (await fetch(`http://127.0.0.1:${port}${path}`)).status;

describe('probes and health checks', () => {
  it('answer as the Deployment and the image expect on a ready replica', async () => {
    const { port } = await serve(deploymentEnv());
    const { container } = proxyPod();
    expect(await status(port, container.startupProbe.httpGet.path)).toBe(200);
    expect(await status(port, container.livenessProbe.httpGet.path)).toBe(200);
    expect(await status(port, container.readinessProbe.httpGet.path)).toBe(200);
    expect(healthcheck(port)).toBe(0);
  });

  it('a replica whose CLI cannot run is alive but not ready', async () => {
    const { port } = await serve(deploymentEnv({ CLAUDE_BINARY: '/nonexistent/claude' }));
    const { container } = proxyPod();
    expect(await status(port, container.livenessProbe.httpGet.path)).toBe(200);
    expect(await status(port, container.readinessProbe.httpGet.path)).toBe(503);
    expect(healthcheck(port)).toBe(0);
  });

  it('the health check fails when nothing answers', async () => {
    // A port that was just free: nothing listens on it.
    const { port } = await serve(deploymentEnv());
    await Promise.all(children.splice(0).map(stop));
    expect(healthcheck(port)).toBe(1);
  });

  it('a replica given the placeholder Secret (no API key) refuses to start', async () => {
    const child = h.spawn(['serve'], { env: deploymentEnv({ CLAUDE_WRAPPER_API_KEYS: '' }) });
    children.push(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('Refusing to listen on 0.0.0.0 without an API key');
  });
});

describe('/metrics for Prometheus and Grafana', () => {
  it('has every metric and label the dashboard and the alerts read', async () => {
    const { port } = await serve(deploymentEnv());
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    // One answered request and one error, so that the labelled series have samples.
    const answered = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(answered.status).toBe(200);
    await answered.text();
    expect((await fetch(`${base}/v1/messages`, { method: 'POST', headers, body: '{}' })).status).toBe(400);

    // As prometheus.yml scrapes: the metrics path with the key as a Bearer token.
    const scrape = readYaml<{ scrape_configs: { metrics_path: string; authorization: { type: string } }[] }>(
      'deploy/compose/prometheus/prometheus.yml',
    ).scrape_configs[0];
    expect(scrape?.authorization.type).toBe('Bearer');
    expect((await fetch(`${base}${scrape?.metrics_path ?? ''}`)).status).toBe(401);
    let series = new Map<string, Set<string>>();
    for (let tries = 0; tries < 100; tries += 1) {
      const response = await fetch(`${base}${scrape?.metrics_path ?? ''}`, { headers });
      expect(response.status).toBe(200);
      series = pageSeries(await response.text());
      // The access log counts a request once its response has closed.
      if (series.has('claude_wrapper_errors_total')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const expressions = promqlExpressions();
    expect(expressions.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const { where, expr } of expressions) {
      const uses = metricUses(expr).filter((use) => !PROMETHEUS_SERIES.has(use.name));
      const known = new Set([...TARGET_LABELS, 'le']);
      for (const use of uses) {
        const labels = series.get(use.name);
        if (!labels) {
          problems.push(`${where}: ${use.name} is not on /metrics`);
          continue;
        }
        for (const label of labels) known.add(label);
        for (const label of use.labels) {
          if (!labels.has(label) && !TARGET_LABELS.has(label))
            problems.push(`${where}: ${use.name} has no label ${label}`);
        }
      }
      for (const label of groupingLabels(expr)) {
        if (!known.has(label)) problems.push(`${where}: no metric of "${expr}" has the label ${label}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the check catches a metric or a label the proxy does not export', () => {
    const series = new Map([['claude_wrapper_http_requests_total', new Set(['route', 'status'])]]);
    const uses = metricUses(
      'sum by (code) (rate(claude_wrapper_http_requests_total{method="GET"}[5m])) + claude_wrapper_nope',
    );
    expect(uses.map((use) => use.name)).toEqual([
      'claude_wrapper_http_requests_total',
      'claude_wrapper_nope',
    ]);
    expect(uses[0]?.labels.filter((label) => !series.get(uses[0]?.name ?? '')?.has(label))).toEqual([
      'method',
    ]);
    expect(series.has('claude_wrapper_nope')).toBe(false);
    expect(groupingLabels('sum by (code) (x)')).toEqual(['code']);
  });
});
