import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, createHarness, ensureBuilt, eventually, type CliHarness } from './helpers.js';

let h: CliHarness;
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness();
});
afterAll(async () => h.cleanup());

describe('claude-wrapper health', () => {
  it('exits 0 when healthy and 1 when not, with --json', async () => {
    const [healthy, unhealthy] = await Promise.all([
      h.run(['health', '--json'], { env: { ANTHROPIC_API_KEY: 'sk-test' } }),
      h.run(['health']),
    ]);
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toMatchObject({
      status: 'ok',
      binary: { found: true, version: '9.9.9' },
      credentials: { configured: true, source: 'ANTHROPIC_API_KEY' },
    });
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stdout).toContain('status:      unhealthy');
    expect(unhealthy.stdout).toContain('/login');
  });
});

describe('claude-wrapper benchmark', () => {
  it('--json reports latency percentiles, throughput and cost', async () => {
    const r = await h.run(['benchmark', '--iterations', '3', '--concurrency', '2', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ iterations: 3, concurrency: 2, ok: 3, failed: 0, errors: {} });
    expect(result['costUsd']).toBeCloseTo(3 * 0.000208);
    expect(result['throughputRps']).toBeGreaterThan(0);
    expect(result['latencyMs']).toMatchObject({ count: 3 });
    // A benchmark run uses no tools and one model call.
    const argv = h.prompts().at(-1)?.argv ?? [];
    expect(argv[argv.indexOf('--tools') + 1]).toBe('');
    expect(argv[argv.indexOf('--max-turns') + 1]).toBe('1');
  });

  it('prints a table, and exits 1 when runs fail', async () => {
    const r = await h.run(['benchmark', '-n', '2'], {
      env: { FAKE_CLAUDE_SCENARIO: JSON.stringify({ default: { kind: 'api_error', status: 500 } }) },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/requests\s+2 \(ok 0, failed 2\)/);
    expect(r.stdout).toMatch(/latency p95\s+\d/);
    expect(r.stdout).toMatch(/throughput\s+[\d.]+ req\/s/);
    expect(r.stdout).toContain('API_ERROR: 2');
  });
});

describe('claude-wrapper config', () => {
  it('show: every value with its source (default, file, env), secrets redacted', async () => {
    const file = join(h.dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        model: 'sonnet',
        timeoutMs: 120000,
        env: { ANTHROPIC_API_KEY: 'sk-ant-supersecret', MY_TOKEN: 'tok-supersecret', FOO: 'bar' },
        server: { port: 9000, apiKeys: ['sk-local-supersecret'] },
      }),
    );
    const r = await h.run(['config', 'show', '--json', file], {
      env: { CLAUDE_MAX_TURNS: '3', CLAUDE_WRAPPER_RPM: '60' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('supersecret');
    const report = JSON.parse(r.stdout) as {
      file: string;
      wrapper: Record<string, unknown>;
      server: Record<string, unknown>;
    };
    expect(report.file).toBe(file);
    expect(report.wrapper).toMatchObject({
      model: { value: 'sonnet', source: 'file', path: file },
      timeoutMs: { value: 120000, source: 'file' },
      maxTurns: { value: 3, source: 'env', variable: 'CLAUDE_MAX_TURNS' },
      claudeBinary: { source: 'env', variable: 'CLAUDE_BINARY' },
      idleTimeoutMs: { value: 300000, source: 'default' },
      env: { value: { ANTHROPIC_API_KEY: '[redacted]', MY_TOKEN: '[redacted]', FOO: 'bar' }, source: 'file' },
    });
    expect(report.server).toMatchObject({
      port: { value: 9000, source: 'file' },
      apiKeys: { value: '[redacted]', source: 'file' },
      requestsPerMinute: { value: 60, source: 'env', variable: 'CLAUDE_WRAPPER_RPM' },
      host: { value: '127.0.0.1', source: 'default' },
    });

    const text = await h.run(['config', 'show'], { env: { CLAUDE_CONFIG_PATH: file } });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/model\s+sonnet\s+file/);
    expect(text.stdout).not.toContain('supersecret');
  });

  it('validate: exit 0 when valid, 2 naming the field when not', async () => {
    const good = join(h.dir, 'good.json');
    const bad = join(h.dir, 'bad.json');
    writeFileSync(good, '{"model":"sonnet","server":{"port":8080}}');
    writeFileSync(bad, '{"timeoutMs":-1}');
    const [valid, invalid, invalidJson, badEnv] = await Promise.all([
      h.run(['config', 'validate', good]),
      h.run(['config', 'validate', bad]),
      h.run(['config', 'validate', '--json', bad]),
      h.run(['config', 'validate'], { env: { CLAUDE_MAX_TURNS: 'lots' } }),
    ]);
    expect(valid).toMatchObject({ code: 0, stdout: `valid: ${good}\n` });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe(
      `claude-wrapper: Invalid config file ${bad} -> timeoutMs: Too small: expected number to be >0 (received -1)\n`,
    );
    expect(invalidJson.code).toBe(2);
    expect(JSON.parse(invalidJson.stdout)).toMatchObject({
      valid: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('CLAUDE_MAX_TURNS');
  });
});

describe('claude-wrapper serve', () => {
  it('serves /health on the chosen port and drains on SIGTERM', async () => {
    const child = h.spawn(['serve', '--port', '0'], { env: { ANTHROPIC_API_KEY: 'sk-test' } });
    child.stdin?.end();
    const done = collect(child);
    let stderr = '';
    child.stderr?.on('data', (d: string) => (stderr += d));
    expect(await eventually(() => /listening on http:\/\/\S+/.test(stderr), 15_000)).toBe(true);
    const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1] ?? '';
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });
});

describe('help and usage', () => {
  it('documents exit codes, and every command has examples', async () => {
    const commands = ['ask', 'stream', 'session', 'batch', 'benchmark', 'serve', 'health', 'config'];
    const [main, ...each] = await Promise.all([
      h.run(['--help']),
      ...commands.map((c) => h.run([c, '--help'])),
    ]);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(
      /Exit codes:\n\s+0\s+ok\n\s+1\s+run failed.*\n\s+2\s+usage.*\n\s+130\s+interrupted/,
    );
    each.forEach((r, i) => {
      expect(r.code, commands[i]).toBe(0);
      expect(r.stdout, commands[i]).toContain('Examples:');
    });
    expect(each[5]?.stdout).toContain('--config');
  });

  it('exits 2 for an unknown command or no command at all', async () => {
    const [unknown, none] = await Promise.all([h.run(['askk']), h.run([])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("claude-wrapper: unknown command 'askk' (Did you mean ask?) (see --help)\n");
    expect(none.code).toBe(2);
  });
});
