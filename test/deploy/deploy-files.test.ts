/**
 * The deployment files against the code: every YAML parses; every environment variable, port,
 * config file and path they use is one the code has; the drain fits the grace periods; the memory
 * request covers the CLI runs the config allows; no credential is in the repository or the image;
 * the kustomize base, and the example overlay with the Redis component, render (with kubectl, when
 * installed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_MARGIN_MS } from '../../src/cli/serve/run-serve.js';
import { detectCredentials } from '../../src/client/health-check.js';
import { RUN_DEFAULTS } from '../../src/client/run-options.js';
import { CONFIG_ENV_VARS, CONFIG_PATH_ENV_VAR } from '../../src/core/config/load-config.js';
import { SERVER_ENV_VARS, parseServerOptions } from '../../src/http/server-options.js';
import { INHERITED_ENV } from '../../src/process/build-env.js';
import { baseEnv, ensureBuilt, MAIN } from '../cli/helpers.js';
import { skipAllUnless } from '../support/index.js';
import {
  composeFile,
  composeSeconds,
  deploymentYamlFiles,
  dockerfileArg,
  dockerfileEnv,
  dockerfileInstructions,
  envFileNames,
  kubeObject,
  kubeResources,
  kustomization,
  KUSTOMIZE_BASE,
  mebibytes,
  proxyPod,
  proxyServices,
  readJson,
  readRepoFile,
  REDIS_COMPONENT,
  REDIS_OVERLAY,
  ROOT,
  walk,
  yamlDocuments,
} from './deploy-files.js';

/** The CLI's credential variables, as `healthCheck` recognises them. */
const CREDENTIAL_VARS = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'] as const;

/** Memory of one concurrent CLI run, and of the server under load (deploy/README.md). @unit MiB */
const CLI_RUN_MIB = 200;
const SERVER_MIB = 150;

/** Where the variable is known to the code, or undefined. */
function knownVariable(name: string): string | undefined {
  if (name === CONFIG_PATH_ENV_VAR) return 'CONFIG_PATH_ENV_VAR';
  if (name in SERVER_ENV_VARS) return 'SERVER_ENV_VARS';
  if (name in CONFIG_ENV_VARS) return 'CONFIG_ENV_VARS';
  if ((CREDENTIAL_VARS as readonly string[]).includes(name) && detectCredentials({ [name]: 'x' }) === name)
    return 'a credential healthCheck recognises';
  // Exact entries only: a prefix (`ANTHROPIC_`) would let any misspelling through.
  if (INHERITED_ENV.includes(name)) return 'INHERITED_ENV';
  return undefined;
}

/** Every environment variable each deployment gives the proxy, by where it is set. */
function deploymentVariables(): { where: string; name: string }[] {
  const out: { where: string; name: string }[] = [];
  for (const name of Object.keys(dockerfileEnv())) out.push({ where: 'Dockerfile ENV', name });
  for (const match of readRepoFile('deploy/docker/healthcheck.mjs').matchAll(/process\.env\.(\w+)/g)) {
    out.push({ where: 'deploy/docker/healthcheck.mjs', name: match[1] ?? '' });
  }
  for (const [service, definition] of proxyServices()) {
    for (const name of Object.keys(definition.environment ?? {})) {
      out.push({ where: `compose.yaml ${service}.environment`, name });
    }
    for (const file of [definition.env_file ?? []].flat()) {
      // The real file holds secrets and is not in the repository; its example lists the names.
      for (const name of envFileNames(`${file}.example`)) out.push({ where: `${file}.example`, name });
    }
  }
  for (const { name } of proxyPod().container.env)
    out.push({ where: `${KUSTOMIZE_BASE}/deployment.yaml`, name });
  for (const generator of kustomization().secretGenerator) {
    for (const file of generator.envs) {
      for (const name of envFileNames(`${KUSTOMIZE_BASE}/${file}`)) {
        out.push({ where: `${KUSTOMIZE_BASE}/${file}`, name });
      }
    }
  }
  return out;
}

describe('deployment files parse', () => {
  it('every YAML file parses, and every JSON file', () => {
    const yamlFiles = deploymentYamlFiles();
    expect(yamlFiles).toEqual(expect.arrayContaining(['compose.yaml', `${KUSTOMIZE_BASE}/deployment.yaml`]));
    for (const file of yamlFiles) {
      const { errors, values } = yamlDocuments(file);
      expect(errors, file).toEqual([]);
      expect(
        values.every((value) => typeof value === 'object' && value !== null),
        file,
      ).toBe(true);
    }
    for (const file of walk('deploy').filter((path) => path.endsWith('.json'))) {
      expect(() => readJson(file), file).not.toThrow();
    }
  });

  it('the YAML check itself rejects a broken file', () => {
    const broken = parseAllDocuments('services:\n  a: [1, 2\n');
    const docs = Array.isArray(broken) ? broken : [broken];
    expect(docs.flatMap((doc) => doc.errors)).not.toHaveLength(0);
  });
});

describe('environment variables', () => {
  it('every variable the deployments set is one the code reads or passes to the CLI', () => {
    const used = deploymentVariables();
    expect(used.length).toBeGreaterThan(10);
    const unknown = used.filter(({ name }) => knownVariable(name) === undefined);
    expect(unknown).toEqual([]);
  });

  it('the check knows a misspelt variable from a real one', () => {
    expect(knownVariable('CLAUDE_WRAPPER_API_KEYS')).toBe('SERVER_ENV_VARS');
    expect(knownVariable('CLAUDE_WRAPPER_API_KEY')).toBeUndefined();
    expect(knownVariable('ANTHROPIC_APIKEY')).toBeUndefined();
    expect(knownVariable('DISABLE_AUTOUPDATER')).toBe('INHERITED_ENV');
  });

  it('every deployment binds beyond loopback and takes API keys, from outside the image', () => {
    const image = dockerfileEnv();
    expect(image['CLAUDE_WRAPPER_HOST']).toBe('0.0.0.0');
    expect(image).not.toHaveProperty('CLAUDE_WRAPPER_API_KEYS');
    for (const [service, definition] of proxyServices()) {
      expect(definition.environment?.['CLAUDE_WRAPPER_API_KEYS'], service).toMatch(/^\$\{/);
    }
    const keys = proxyPod().container.env.find((e) => e.name === 'CLAUDE_WRAPPER_API_KEYS');
    expect(keys?.valueFrom?.secretKeyRef?.name).toBe(kustomization().secretGenerator[0]?.name);
  });
});

describe('ports, paths and config files', () => {
  const port = parseServerOptions({}).port;

  it('the proxy port is the same everywhere it is named', () => {
    expect(port).toBe(8787);
    const instructions = dockerfileInstructions();
    expect(dockerfileEnv(instructions)['CLAUDE_WRAPPER_PORT']).toBe(String(port));
    expect(instructions.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toEqual([String(port)]);
    expect(readRepoFile('deploy/docker/healthcheck.mjs')).toContain(`|| '${port}'`);

    const compose = composeFile();
    const proxies = proxyServices();
    expect(proxies.map(([name]) => name)).toEqual(['proxy-a', 'proxy-b']);
    for (const [, service] of proxies) expect(service.expose).toEqual([String(port)]);
    const nginx = readRepoFile('deploy/compose/nginx.conf');
    const upstreams = [...nginx.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstreams).toEqual(proxies.map(([name]) => `${name}:${port}`));
    const prometheus = readRepoFile('deploy/compose/prometheus/prometheus.yml');
    for (const [name] of proxies) expect(prometheus).toContain(`- ${name}:${port}`);
    const listen = /^\s*listen\s+(\d+);/m.exec(nginx)?.[1];
    expect(compose.services['lb']?.ports?.map((p) => p.split(':').at(-1))).toEqual([listen]);
    expect(compose.services['lb']?.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${listen}/lb/health`);

    const { container } = proxyPod();
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    expect(env['CLAUDE_WRAPPER_PORT']).toBe(String(port));
    expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(probe.httpGet.port).toBe('http');
    }
    const service = kubeObject<{ spec: { ports: { port: number; targetPort: string }[] } }>('Service');
    expect(service.spec.ports.map((p) => [p.port, p.targetPort])).toEqual([[port, 'http']]);
    const policy = kubeObject<{ spec: { ingress: { ports: { port: string }[] }[] } }>('NetworkPolicy');
    expect(policy.spec.ingress.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual(['http']);
  });

  it('probes and health checks use the cheap endpoints', () => {
    const { container } = proxyPod();
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health');
    const healthcheck = dockerfileInstructions().find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toContain('/opt/claude-wrapper/healthcheck.mjs');
    expect(readRepoFile('deploy/docker/healthcheck.mjs')).toContain('/health/live');
  });

  it('each deployment reads its config file from where it puts it', () => {
    const instructions = dockerfileInstructions();
    const imagePath = dockerfileEnv(instructions)['CLAUDE_CONFIG_PATH'];
    expect(
      instructions.some((i) => i.keyword === 'COPY' && i.args === `deploy/docker/config.json ${imagePath}`),
    ).toBe(true);
    for (const [service, definition] of proxyServices()) {
      const path = definition.environment?.['CLAUDE_CONFIG_PATH'];
      expect(definition.volumes, service).toContain(`./deploy/compose/config.json:${path}:ro`);
    }
    const { container, spec } = proxyPod();
    const path = container.env.find((e) => e.name === 'CLAUDE_CONFIG_PATH')?.value ?? '';
    const mount = container.volumeMounts.find((m) => m.mountPath === dirname(path));
    const volume = spec.volumes.find((v) => v.name === mount?.name);
    const generator = kustomization().configMapGenerator[0];
    expect(volume?.configMap?.name).toBe(generator?.name);
    expect(generator?.files).toEqual([path.split('/').at(-1)]);
  });

  describe('claude-wrapper config validate', () => {
    let home = '';
    beforeAll(() => {
      ensureBuilt();
      home = mkdtempSync(join(tmpdir(), 'deploy-validate-'));
    });
    afterAll(() => rmSync(home, { recursive: true, force: true }));
    const validate = (file: string) =>
      spawnSync(process.execPath, [MAIN, 'config', 'validate', file], {
        env: baseEnv(home),
        encoding: 'utf8',
      });

    it.each([
      'deploy/docker/config.json',
      'deploy/compose/config.json',
      `${KUSTOMIZE_BASE}/config.json`,
      `${REDIS_COMPONENT}/config.json`,
    ])('%s is valid', (file) => {
      const result = validate(join(ROOT, file));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it('and refuses a config with an unknown server field (exit 2, naming it)', () => {
      const config = readJson<{ server: Record<string, unknown> }>(`${KUSTOMIZE_BASE}/config.json`);
      const file = join(home, 'bad.json');
      writeFileSync(file, JSON.stringify({ ...config, server: { ...config.server, drainTimeoutSecs: 20 } }));
      const result = validate(file);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('server.drainTimeoutSecs');
    });
  });
});

describe('shutdown and sizing', () => {
  /** How long `serve` may take to exit after SIGTERM with this config file (run-serve.ts). */
  function shutdownMs(configFile: string): number {
    const config = readJson<{ killGraceMs?: number; server?: unknown }>(configFile);
    const { drainTimeoutMs } = parseServerOptions(config.server ?? {});
    return drainTimeoutMs + (config.killGraceMs ?? RUN_DEFAULTS.killGraceMs) + SHUTDOWN_MARGIN_MS;
  }

  it('SIGTERM drains within each grace period', () => {
    // Docker: the image's own config, inside the 30 s the Dockerfile asks for (docker stop -t 30).
    expect(readRepoFile('Dockerfile')).toContain('docker stop -t 30');
    expect(shutdownMs('deploy/docker/config.json')).toBeLessThanOrEqual(30_000);
    expect(dockerfileInstructions().find((i) => i.keyword === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    // Compose: its config, inside stop_grace_period.
    for (const [service, definition] of proxyServices()) {
      expect(shutdownMs('deploy/compose/config.json'), service).toBeLessThanOrEqual(
        composeSeconds(definition.stop_grace_period ?? '10s') * 1000,
      );
    }
    // Kubernetes: preStop first, then the drain, inside terminationGracePeriodSeconds.
    const { container, spec } = proxyPod();
    const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
    expect(preStop[0]).toBe('sleep');
    const preStopMs = Number(preStop[1]) * 1000;
    expect(preStopMs + shutdownMs(`${KUSTOMIZE_BASE}/config.json`)).toBeLessThanOrEqual(
      spec.terminationGracePeriodSeconds * 1000,
    );
  });

  it('the memory request covers every CLI process the config allows, and the limit is above it', () => {
    const { server } = readJson<{ server: unknown }>(`${KUSTOMIZE_BASE}/config.json`);
    const options = parseServerOptions(server);
    // Runs and warm spares, plus the processes kept for conversations' next turns (bounded by count
    // and by their measured memory, whichever binds first).
    const kept = Math.min(options.conversationProcesses * CLI_RUN_MIB, options.conversationMemoryMb);
    const needed = (options.maxConcurrent + options.warmPoolSize) * CLI_RUN_MIB + kept + SERVER_MIB;
    const { resources } = proxyPod().container;
    expect(mebibytes(resources.requests.memory)).toBeGreaterThanOrEqual(needed);
    expect(mebibytes(resources.limits.memory)).toBeGreaterThan(mebibytes(resources.requests.memory));
  });
});

describe('what the image holds', () => {
  it('the CLI version is the one the tests run against, and the Kubernetes tag is the package version', () => {
    const lock = readJson<{ packages: Record<string, { version: string }> }>('package-lock.json');
    const tested = lock.packages['node_modules/@anthropic-ai/claude-code']?.version;
    expect(tested).toMatch(/^\d+\.\d+\.\d+$/);
    expect(dockerfileArg('CLAUDE_CODE_VERSION')).toBe(tested);
    const { version } = readJson<{ version: string }>('package.json');
    expect(kustomization().images).toEqual([{ name: proxyPod().container.image, newTag: version }]);
  });

  it('runs as the unprivileged user, from the packed tarball, with a HEALTHCHECK', () => {
    const instructions = dockerfileInstructions();
    const runtime = instructions.filter((i) => i.stage === instructions.at(-1)?.stage);
    expect(runtime.filter((i) => i.keyword === 'USER').map((i) => i.args)).toEqual(['node']);
    expect(runtime.some((i) => i.keyword === 'HEALTHCHECK')).toBe(true);
    // The runtime stage takes the tarball, never the sources.
    expect(runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args.split(' ')[0])).toEqual([
      'deploy/docker/healthcheck.mjs',
      'deploy/docker/config.json',
    ]);
    const { securityContext } = kubeObject<{
      spec: { template: { spec: { securityContext: { runAsNonRoot: boolean; runAsUser: number } } } };
    }>('Deployment').spec.template.spec;
    expect(securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it('holds no credential: placeholders are empty, secrets stay out of the build context', () => {
    const image = dockerfileEnv();
    for (const name of CREDENTIAL_VARS) expect(image).not.toHaveProperty(name);
    const placeholders = [
      `${KUSTOMIZE_BASE}/${kustomization().secretGenerator[0]?.envs[0] ?? ''}`,
      'deploy/compose/credentials.env.example',
      'deploy/compose/env.example',
    ];
    for (const file of placeholders) {
      for (const line of readRepoFile(file).split('\n')) {
        const value = /^[A-Z][A-Z0-9_]*=(.*)$/.exec(line)?.[1];
        if (value !== undefined) expect(value, `${file}: ${line}`).toBe('');
      }
    }
    for (const [service, definition] of proxyServices()) {
      for (const name of CREDENTIAL_VARS)
        expect(definition.environment ?? {}, service).not.toHaveProperty(name);
    }
    const ignored = readRepoFile('.dockerignore').split('\n');
    for (const pattern of ['**/.env', '**/*.env', '**/.claude', '**/.credentials.json', '**/node_modules']) {
      expect(ignored).toContain(pattern);
    }
    expect(readRepoFile('deploy/compose/.gitignore').split('\n')).toContain('credentials.env');
  });
});

describe('the kustomize base', () => {
  it('selectors, the autoscaler and the disruption budget all name the Deployment and its pods', () => {
    const deployment = kubeObject<{
      metadata: { name: string };
      spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: object } } };
    }>('Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels);
    const selectors = {
      Service: (kubeObject('Service').spec as { selector: object }).selector,
      PodDisruptionBudget: (kubeObject('PodDisruptionBudget').spec as { selector: { matchLabels: object } })
        .selector.matchLabels,
      NetworkPolicy: (kubeObject('NetworkPolicy').spec as { podSelector: { matchLabels: object } })
        .podSelector.matchLabels,
    };
    for (const [kind, selector] of Object.entries(selectors)) expect(podLabels, kind).toMatchObject(selector);
    const hpa = kubeObject('HorizontalPodAutoscaler').spec as {
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
    };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(
      kubeResources()
        .map((object) => object.kind)
        .sort(),
    ).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Service']);
  });

  it('the Redis component: the base config plus a redisUrl its Service answers', () => {
    const base = readJson<{ server: Record<string, unknown> }>(`${KUSTOMIZE_BASE}/config.json`);
    const withRedis = readJson<{ server: Record<string, unknown> }>(`${REDIS_COMPONENT}/config.json`);
    expect(withRedis).toEqual({
      ...base,
      server: { ...base.server, redisUrl: 'redis://claude-wrapper-redis:6379' },
    });
    expect(parseServerOptions(withRedis.server).redisUrl).toBe('redis://claude-wrapper-redis:6379');
    const service = yamlDocuments(`${REDIS_COMPONENT}/redis.yaml`).values.find(
      (o) => (o as { kind: string }).kind === 'Service',
    ) as { metadata: { name: string }; spec: { ports: { port: number }[] } };
    expect(service.metadata.name).toBe('claude-wrapper-redis');
    expect(service.spec.ports.map((p) => p.port)).toEqual([6379]);
  });

  describe('rendered by kubectl kustomize', () => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
    skipAllUnless(kubectl, 'kubectl not found (install kubectl to render the kustomize base)');

    it('renders every object, with the generated ConfigMap and Secret wired into the pods', () => {
      const rendered = execFileSync('kubectl', ['kustomize', join(ROOT, KUSTOMIZE_BASE)], {
        encoding: 'utf8',
      });
      const objects = parseAllDocuments(rendered);
      const list = (Array.isArray(objects) ? objects : [objects]).map(
        (doc) => doc.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> },
      );
      expect(list.map((o) => o.kind).sort()).toEqual([
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Secret',
        'Service',
      ]);
      const configMap = list.find((o) => o.kind === 'ConfigMap');
      const secret = list.find((o) => o.kind === 'Secret');
      expect(configMap?.metadata.name).toMatch(/^claude-wrapper-config-[a-z0-9]+$/);
      expect(JSON.parse(configMap?.data?.['config.json'] ?? '')).toEqual(
        readJson(`${KUSTOMIZE_BASE}/config.json`),
      );
      const deployment = JSON.stringify(list.find((o) => o.kind === 'Deployment'));
      expect(deployment).toContain(`"name":"${configMap?.metadata.name}"`);
      expect(deployment).toContain(`"name":"${secret?.metadata.name}"`);
      expect(deployment).toContain(
        `"image":"claude-code-wrapper:${readJson<{ version: string }>('package.json').version}"`,
      );
    });

    it("renders the example overlay with the Redis component: Redis, redisUrl in the pods' config, egress to it", () => {
      const rendered = execFileSync('kubectl', ['kustomize', join(ROOT, REDIS_OVERLAY)], {
        encoding: 'utf8',
      });
      const docs = parseAllDocuments(rendered);
      const list = (Array.isArray(docs) ? docs : [docs]).map(
        (doc) =>
          doc.toJS() as {
            kind: string;
            metadata: { name: string };
            data?: Record<string, string>;
            spec?: { egress?: { ports?: { port: number }[] }[] };
          },
      );
      const names = (kind: string) => list.filter((o) => o.kind === kind).map((o) => o.metadata.name);
      expect(names('Deployment').sort()).toEqual(['claude-wrapper', 'claude-wrapper-redis']);
      expect(names('Service').sort()).toEqual(['claude-wrapper', 'claude-wrapper-redis']);
      // One ConfigMap, replaced (not merged) by the component's, and it is the one the pods mount.
      const configMaps = list.filter((o) => o.kind === 'ConfigMap');
      expect(configMaps).toHaveLength(1);
      expect(JSON.parse(configMaps[0]?.data?.['config.json'] ?? '')).toEqual(
        readJson(`${REDIS_COMPONENT}/config.json`),
      );
      const proxy = JSON.stringify(
        list.find((o) => o.kind === 'Deployment' && o.metadata.name === 'claude-wrapper'),
      );
      expect(proxy).toContain(`"name":"${configMaps[0]?.metadata.name}"`);
      const policy = list.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'claude-wrapper');
      expect(policy?.spec?.egress?.flatMap((rule) => rule.ports?.map((p) => p.port) ?? [])).toContain(6379);
    });
  });
});

describe('deploy/README.md', () => {
  const guide = readRepoFile('deploy/README.md');

  it('every file and folder it names exists', () => {
    const named = new Set(
      [
        ...guide.matchAll(
          /`((?:\.\/)?(?:deploy|test|src)\/[\w./-]+|Dockerfile|compose\.yaml|\.dockerignore)`/g,
        ),
      ].map((m) => (m[1] ?? '').replace(/^\.\//, '')),
    );
    expect(named.size).toBeGreaterThan(10);
    // Files the reader makes (`cp example file`) exist once they follow the guide; their sources now.
    const made = [...guide.matchAll(/^cp (\S+) (\S+)/gm)];
    for (const [, source] of made) expect(existsSync(join(ROOT, source ?? '')), source).toBe(true);
    const toMake = new Set(made.map((m) => m[2]));
    const missing = [...named].filter(
      (path) => !toMake.has(path) && !existsSync(join(ROOT, path.replace(/\/$/, ''))),
    );
    expect(missing).toEqual([]);
  });

  it('names every variable compose.yaml asks for, and the example files offer them', () => {
    const compose = readRepoFile('compose.yaml');
    const asked = new Set([...compose.matchAll(/\$\{(\w+)/g)].map((m) => m[1] ?? ''));
    for (const secret of Object.values(composeFile().secrets) as { environment?: string }[]) {
      if (secret.environment) asked.add(secret.environment);
    }
    expect(asked.size).toBeGreaterThan(2);
    const offered = envFileNames('deploy/compose/env.example');
    for (const name of asked) {
      expect(guide, name).toContain(name);
      expect(offered, name).toContain(name);
    }
    for (const name of CREDENTIAL_VARS) expect(guide).toContain(name);
  });

  it('its commands use the real build steps, files and CLI subcommands', () => {
    const steps = [...guide.matchAll(/build-steps\.sh (\w+)/g)].map((m) => m[1]);
    expect(steps.length).toBeGreaterThan(0);
    const script = readRepoFile('deploy/docker/build-steps.sh');
    for (const step of steps) expect(script).toContain(`  ${step})`);
    for (const [, file] of guide.matchAll(/claude-wrapper config validate ([^\s`]+)/g)) {
      expect(existsSync(join(ROOT, file ?? '')), file).toBe(true);
    }
    for (const [, dir] of guide.matchAll(/kubectl (?:kustomize|apply -k) (deploy\/[^\s`]+)/g)) {
      expect(existsSync(join(ROOT, dir ?? '', 'kustomization.yaml')), dir).toBe(true);
    }
    for (const [, service] of guide.matchAll(/docker compose (?:logs|restart|stop|exec) ([\w-]+)/g)) {
      expect(Object.keys(composeFile().services)).toContain(service);
    }
  });
});
