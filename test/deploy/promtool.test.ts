/**
 * Prometheus' own checker on the monitoring files: `promtool check config` on the scrape config
 * (with the alert rules it loads), and `promtool check rules` on every dashboard query turned into
 * a recording rule, so a PromQL syntax error in a panel fails here rather than in Grafana.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { skipAllUnless } from '../support/index.js';
import { promqlExpressions, readRepoFile } from './deploy-files.js';

const promtool = spawnSync('promtool', ['--version']).status === 0;

describe('promtool', () => {
  skipAllUnless(promtool, 'promtool not found (apt-get install prometheus)');
  const work = mkdtempSync(join(tmpdir(), 'deploy-promtool-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const check = (...args: string[]) => spawnSync('promtool', ['check', ...args], { encoding: 'utf8' });

  it('accepts the scrape config and the alert rules it loads', () => {
    // The container paths of the rule file and the Compose secret, mapped to files here.
    const rules = join(work, 'alerts.yml');
    writeFileSync(rules, readRepoFile('deploy/compose/prometheus/alerts.yml'));
    const key = join(work, 'metrics_api_key');
    writeFileSync(key, 'sk-placeholder\n');
    const config = readRepoFile('deploy/compose/prometheus/prometheus.yml')
      .replace('/etc/prometheus/alerts.yml', rules)
      .replace('/run/secrets/metrics_api_key', key);
    const file = join(work, 'prometheus.yml');
    writeFileSync(file, config);
    const result = check('config', file);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS: 4 rules found');
  });

  it('parses every dashboard query', () => {
    const queries = promqlExpressions()
      .filter(({ where }) => where.includes('dashboards/') && !where.includes(': $'))
      .map(({ expr }) => expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*'));
    expect(queries.length).toBeGreaterThan(15);
    const file = join(work, 'dashboard-rules.yml');
    writeFileSync(
      file,
      stringify({
        groups: [
          { name: 'dashboard', rules: queries.map((expr, i) => ({ record: `dashboard:query${i}`, expr })) },
        ],
      }),
    );
    const result = check('rules', file);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    // A broken query is refused.
    writeFileSync(
      file,
      stringify({
        groups: [{ name: 'broken', rules: [{ record: 'x:y', expr: 'sum by (a (rate(x[5m]))' }] }],
      }),
    );
    expect(check('rules', file).status).not.toBe(0);
  });
});
