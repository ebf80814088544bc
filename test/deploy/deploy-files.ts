/**
 * The deployment files (Dockerfile, compose.yaml, deploy/), read and taken apart for the tests in
 * this folder: every YAML document parsed, the env variables, ports, probe paths and metric names
 * they use, in one place.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Read a file of the repository. */
export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** Parse a YAML file of the repository (one document). */
export function readYaml<T = Record<string, unknown>>(path: string): T {
  return parseYaml(readRepoFile(path)) as T;
}

/** Parse a JSON file of the repository. */
export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readRepoFile(path)) as T;
}

/** Every `.yaml`/`.yml` file of the deployment: compose.yaml and everything under deploy/. */
export function deploymentYamlFiles(): string[] {
  return ['compose.yaml', ...walk('deploy').filter((path) => /\.ya?ml$/.test(path))];
}

/** Every file under `dir` (relative to the root), recursively. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...walk(path));
    else out.push(relative('.', path));
  }
  return out.sort();
}

/** The YAML documents of a file, with their parse errors. */
export function yamlDocuments(path: string): { errors: string[]; values: unknown[] } {
  const documents = parseAllDocuments(readRepoFile(path));
  const list = Array.isArray(documents) ? documents : [documents];
  return {
    errors: list.flatMap((doc) => doc.errors.map((error) => `${path}: ${error.message}`)),
    values: list.map((doc) => doc.toJS() as unknown),
  };
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** The build stage it belongs to (`FROM ... AS name`). */
  readonly stage: string;
}

/** The Dockerfile's instructions, in order. */
export function dockerfileInstructions(text = readRepoFile('Dockerfile')): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  let stage = '';
  return logical.map((line) => {
    const space = line.indexOf(' ');
    const keyword = line.slice(0, space).toUpperCase();
    const args = line.slice(space + 1).trim();
    if (keyword === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? args;
    return { keyword, args, stage };
  });
}

/** `KEY=value` pairs of the runtime stage's ENV instructions. */
export function dockerfileEnv(instructions = dockerfileInstructions()): Record<string, string> {
  const env: Record<string, string> = {};
  const last = instructions.at(-1)?.stage;
  for (const { keyword, args, stage } of instructions) {
    if (keyword !== 'ENV' || stage !== last) continue;
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
      env[match[1] ?? ''] = (match[2] ?? '').replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** The default of a build argument (`ARG NAME=value`). */
export function dockerfileArg(name: string, instructions = dockerfileInstructions()): string | undefined {
  for (const { keyword, args } of instructions) {
    const match = new RegExp(`^${name}=(\\S+)$`).exec(args);
    if (keyword === 'ARG' && match) return match[1];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// compose.yaml

/** The parts of a compose service the tests read. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly environment?: Record<string, string>;
  readonly env_file?: string | string[];
  readonly volumes?: string[];
  readonly expose?: string[];
  readonly ports?: string[];
  readonly stop_grace_period?: string;
  readonly healthcheck?: { test: string[] };
  readonly secrets?: string[];
}

/** compose.yaml, anchors and merge keys resolved. */
export function composeFile(): {
  services: Record<string, ComposeService>;
  secrets: Record<string, unknown>;
} {
  return parseYaml(readRepoFile('compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
    secrets: Record<string, unknown>;
  };
}

/** The compose services that run the proxy image (built from this repository). */
export function proxyServices(): [string, ComposeService][] {
  return Object.entries(composeFile().services).filter(([, service]) => service.build !== undefined);
}

/** Names set by an env file (`NAME=value` lines, and `# NAME=` lines offered as alternatives). */
export function envFileNames(path: string): string[] {
  return [...readRepoFile(path).matchAll(/^(?:#\s*)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? '');
}

/** Seconds of a compose duration (`30s`, `1m30s`). */
export function composeSeconds(duration: string): number {
  let seconds = 0;
  for (const [, value, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
    seconds += Number(value) * factor;
  }
  return seconds;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

/** The kustomize base directory. */
export const KUSTOMIZE_BASE = 'deploy/kubernetes/base';
/** The optional kustomize component adding a Redis and `redisUrl`. */
export const REDIS_COMPONENT = 'deploy/kubernetes/components/redis';
/** The example overlay: the base with {@link REDIS_COMPONENT}. */
export const REDIS_OVERLAY = 'deploy/kubernetes/overlays/redis-example';

/** A Kubernetes object as the tests read it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; labels?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
}

/** The kustomization of the base. */
export interface Kustomization {
  readonly resources: string[];
  readonly configMapGenerator: { name: string; files: string[] }[];
  readonly secretGenerator: { name: string; envs: string[] }[];
  readonly images: { name: string; newTag: string }[];
}

/** kustomization.yaml of the base. */
export function kustomization(): Kustomization {
  return readYaml<Kustomization>(`${KUSTOMIZE_BASE}/kustomization.yaml`);
}

/** The resources the base lists, parsed. */
export function kubeResources(): KubeObject[] {
  return kustomization().resources.flatMap(
    (file) => yamlDocuments(`${KUSTOMIZE_BASE}/${file}`).values as KubeObject[],
  );
}

/** The one object of `kind` in the base. */
export function kubeObject<T = KubeObject>(kind: string): T {
  const found = kubeResources().filter((object) => object.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in the base, found ${found.length}`);
  return found[0] as unknown as T;
}

/** A container of a pod template, as the tests read it. */
export interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports: { name: string; containerPort: number }[];
  readonly env: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  readonly resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
  readonly livenessProbe: Probe;
  readonly readinessProbe: Probe;
  readonly startupProbe: Probe;
  readonly lifecycle?: { preStop?: { exec?: { command: string[] } } };
  readonly volumeMounts: { name: string; mountPath: string }[];
}

/** An HTTP probe. */
export interface Probe {
  readonly httpGet: { path: string; port: string | number };
}

/** The Deployment's pod spec and its proxy container. */
export function proxyPod(): {
  spec: {
    terminationGracePeriodSeconds: number;
    volumes: { name: string; configMap?: { name: string } }[];
  };
  container: Container;
} {
  const deployment = kubeObject<{
    spec: { template: { spec: { containers: Container[]; terminationGracePeriodSeconds: number } } };
  }>('Deployment');
  const spec = deployment.spec.template.spec;
  const container = spec.containers[0];
  if (!container) throw new Error('the Deployment has no container');
  return { spec: spec as never, container };
}

/** Mebibytes of a Kubernetes quantity (`1200Mi`, `2Gi`). */
export function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[(match[2] ?? 'Mi') as 'Ki' | 'Mi' | 'Gi'];
  return Number(match[1]) * factor;
}

// ---------------------------------------------------------------------------------------------
// Prometheus expressions

/** Every PromQL expression of the Grafana dashboard and the Prometheus rules. */
export function promqlExpressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const dashboardFile = 'deploy/compose/grafana/dashboards/claude-wrapper.json';
  const dashboard = readJson<{
    panels: { title: string; targets: { expr: string }[] }[];
    templating: { list: { name: string; definition?: string }[] };
  }>(dashboardFile);
  for (const panel of dashboard.panels) {
    for (const target of panel.targets)
      out.push({ where: `${dashboardFile}: ${panel.title}`, expr: target.expr });
  }
  for (const variable of dashboard.templating.list) {
    if (variable.definition)
      out.push({ where: `${dashboardFile}: $${variable.name}`, expr: variable.definition });
  }
  const rulesFile = 'deploy/compose/prometheus/alerts.yml';
  const rules = readYaml<{ groups: { rules: { alert: string; expr: string }[] }[] }>(rulesFile);
  for (const rule of rules.groups.flatMap((group) => group.rules)) {
    out.push({ where: `${rulesFile}: ${rule.alert}`, expr: rule.expr });
  }
  return out;
}

/** Series Prometheus adds itself: not the proxy's to export. */
export const PROMETHEUS_SERIES = new Set(['up']);

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS = new Set(['instance', 'job']);

/** A metric named in an expression, with the labels its selector matches on. */
export interface MetricUse {
  readonly name: string;
  readonly labels: string[];
}

/** The metrics an expression reads (`claude_*` names and `up`), with their selectors' labels. */
export function metricUses(expr: string): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const match of expr.matchAll(/\b(claude_[a-z0-9_]+|up)\b(\{[^}]*\})?/g)) {
    const selector = match[2] ?? '';
    const labels = [...selector.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1] ?? '');
    uses.push({ name: match[1] ?? '', labels });
  }
  return uses;
}

/** Labels an expression aggregates by (`sum by (a, b)`) or joins on. */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean),
  );
}

// ---------------------------------------------------------------------------------------------
// A Prometheus text page

/** Samples of a Prometheus text page: series name → the label names seen on it. */
export function pageSeries(page: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of page.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? /.exec(line);
    if (!match?.[1]) continue;
    const labels = series.get(match[1]) ?? new Set<string>();
    for (const pair of (match[3] ?? '').matchAll(/(\w+)="/g)) labels.add(pair[1] ?? '');
    series.set(match[1], labels);
  }
  return series;
}
