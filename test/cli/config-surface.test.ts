/**
 * One configuration surface: the `CLAUDE_WRAPPER_*` table parses like the library's, `config show`
 * prints what `serve` resolves, a bad variable stops `serve`, and the README's variable list is the
 * table's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../../src/client/run-options.js';
import { envVarDocs, envVarsMarkdown } from '../../src/cli/config/env-docs.js';
import { redact } from '../../src/cli/config/redact.js';
import { resolveServeOptions } from '../../src/cli/serve/resolve-serve-options.js';
import { CONFIG_ENV_VARS } from '../../src/core/config/load-config.js';
import { CONFIG_DEFAULTS } from '../../src/core/config/schema.js';
import { DEFAULT_CLI_MAX_RETRIES } from '../../src/process/build-env.js';
import { ClaudeCodeValidationError } from '../../src/core/errors/index.js';
import {
  parseServerOptions,
  readServerEnv,
  SERVER_ENV_VARS,
  serverOptionsSchema,
} from '../../src/http/server-options.js';
import { createHarness, ensureBuilt, ROOT, type CliHarness } from './helpers.js';

// A valid value for every CLAUDE_WRAPPER_* variable: a new variable without a sample fails.
const SERVER_SAMPLES: Readonly<Record<string, [raw: string, parsed: unknown]>> = {
  CLAUDE_WRAPPER_HOST: ['0.0.0.0', '0.0.0.0'],
  CLAUDE_WRAPPER_PORT: ['9000', 9000],
  CLAUDE_WRAPPER_API_KEYS: ['sk-local-123456, sk-local-654321', ['sk-local-123456', 'sk-local-654321']],
  CLAUDE_WRAPPER_ALLOWED_ORIGINS: [
    'https://a.example ,https://b.example',
    ['https://a.example', 'https://b.example'],
  ],
  CLAUDE_WRAPPER_ALLOWED_HOSTS: ['proxy.internal:9000', ['proxy.internal:9000']],
  CLAUDE_WRAPPER_MAX_CONCURRENT: ['8', 8],
  CLAUDE_WRAPPER_RPM: ['60', 60],
  CLAUDE_WRAPPER_REDIS_URL: ['redis://redis.internal:6379', 'redis://redis.internal:6379'],
  CLAUDE_WRAPPER_ALLOW_TOOLS: ['YES', true],
  CLAUDE_WRAPPER_STRICT: ['on', true],
  CLAUDE_WRAPPER_MODEL_MAP: [
    'gpt-4o=opus, house-model = haiku',
    { 'gpt-4o': 'opus', 'house-model': 'haiku' },
  ],
  CLAUDE_WRAPPER_DEFAULT_MODEL: ['sonnet', 'sonnet'],
  CLAUDE_WRAPPER_WARM_POOL_SIZE: ['2', 2],
  CLAUDE_WRAPPER_WARM_POOL_MIN_IDLE: ['0', 0],
  CLAUDE_WRAPPER_CONVERSATION_PROCESSES: ['0', 0],
  CLAUDE_WRAPPER_CONVERSATION_IDLE_MS: ['60000', 60_000],
  CLAUDE_WRAPPER_CONVERSATION_MEMORY_MB: ['512', 512],
};

describe('SERVER_ENV_VARS (the CLAUDE_WRAPPER_* table)', () => {
  it('parses every variable into its server option', () => {
    expect(Object.keys(SERVER_SAMPLES).sort()).toEqual(Object.keys(SERVER_ENV_VARS).sort());
    const env = Object.fromEntries(Object.entries(SERVER_SAMPLES).map(([name, [raw]]) => [name, raw]));
    const { values, variables } = readServerEnv(env);
    for (const [name, spec] of Object.entries(SERVER_ENV_VARS)) {
      expect(values[spec.path], name).toEqual(SERVER_SAMPLES[name]?.[1]);
      expect(variables[spec.path], name).toBe(name);
      expect(Object.keys(serverOptionsSchema.shape), name).toContain(spec.path);
      expect(spec.description.length, name).toBeGreaterThan(0);
    }
  });

  it('reads `on` as true and fails on junk booleans and numbers, naming the variable', () => {
    expect(readServerEnv({ CLAUDE_WRAPPER_STRICT: 'on' }).values).toEqual({ strict: true });
    expect(readServerEnv({ CLAUDE_WRAPPER_STRICT: 'Off' }).values).toEqual({ strict: false });
    for (const [name, spec] of Object.entries(SERVER_ENV_VARS)) {
      if (spec.type !== 'boolean' && spec.type !== 'number') continue;
      for (const raw of ['maybe', '7up']) {
        let caught: unknown;
        try {
          readServerEnv({ [name]: raw });
        } catch (error) {
          caught = error;
        }
        expect(caught, `${name}=${raw}`).toBeInstanceOf(ClaudeCodeValidationError);
        expect((caught as Error).message).toContain(`${name}: expected a ${spec.type}`);
        expect((caught as Error).message).toContain(`"${raw}"`);
      }
    }
    expect(() => readServerEnv({ CLAUDE_WRAPPER_PORT: '70000' })).toThrow(
      /environment variable CLAUDE_WRAPPER_PORT -> port/,
    );
  });

  it('keeps flags over env over the config file', () => {
    const env = { CLAUDE_WRAPPER_PORT: '9001', CLAUDE_WRAPPER_STRICT: 'no' };
    expect(resolveServeOptions({}, env)).toMatchObject({ port: 9001, strict: false });
    expect(resolveServeOptions({ port: 9002, strict: true }, env)).toMatchObject({
      port: 9002,
      strict: true,
    });
  });
});

describe('CONFIG_DEFAULTS', () => {
  it('agree with the values the runtime falls back to', () => {
    expect(DEFAULT_CLI_MAX_RETRIES).toBe(CONFIG_DEFAULTS.cliMaxRetries);
    expect(RUN_DEFAULTS).toEqual({
      timeoutMs: CONFIG_DEFAULTS.timeoutMs,
      idleTimeoutMs: CONFIG_DEFAULTS.idleTimeoutMs,
      killGraceMs: CONFIG_DEFAULTS.killGraceMs,
    });
  });
});

describe('README', () => {
  it('lists exactly the variables of the tables, as `config env --markdown` prints them', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- env-vars:start[^>]*-->\n\n([\s\S]*?)\n\n<!-- env-vars:end -->/.exec(readme)?.[1];
    expect(block, 'README env-vars block').toBeDefined();
    const inReadme = new Set([...(block ?? '').matchAll(/^\| `(CLAUDE_[A-Z_]+)`/gm)].map((m) => m[1]));
    const inTables = new Set(envVarDocs().map((d) => d.name));
    expect([...inReadme].sort()).toEqual([...inTables].sort());
    expect(inTables).toEqual(
      new Set(['CLAUDE_CONFIG_PATH', ...Object.keys(CONFIG_ENV_VARS), ...Object.keys(SERVER_ENV_VARS)]),
    );
    expect(block).toBe(envVarsMarkdown());
  });
});

describe('claude-wrapper config show / serve (built CLI)', () => {
  let h: CliHarness;
  beforeAll(async () => {
    ensureBuilt();
    h = await createHarness();
  });
  afterAll(async () => h.cleanup());

  interface Report {
    wrapper: Record<string, { value: unknown; source: string; variable?: string }>;
    server: Record<string, { value: unknown; source: string; variable?: string }>;
  }

  it('config show --json prints exactly what serve resolves for the same file and env', async () => {
    const file = join(h.dir, 'serve.json');
    writeFileSync(
      file,
      JSON.stringify({
        timeoutMs: 120000,
        server: { port: 9100, maxQueue: 5, apiKeys: ['sk-local-supersecret'], strict: false },
      }),
    );
    const extra = {
      CLAUDE_WRAPPER_STRICT: 'on',
      CLAUDE_WRAPPER_RPM: '60',
      CLAUDE_WRAPPER_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      CLAUDE_MAX_TURNS: '3',
      CLAUDE_LOG_LEVEL: undefined,
    };
    const env = { ...h.env, ...extra };
    const r = await h.run(['config', 'show', '--json', file], { env: extra });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;

    const resolved = parseServerOptions(resolveServeOptions({ config: file }, env));
    const { wrapper, ...server } = resolved;
    const shown = Object.fromEntries(Object.entries(report.server).map(([k, e]) => [k, e.value]));
    const expected: Record<string, unknown> = Object.fromEntries(
      Object.entries(server).map(([k, v]) => [k, redact(k, v)]),
    );
    expected['logLevel'] = wrapper.logLevel;
    expect(shown).toEqual(expected);
    expect(report.server['strict']).toMatchObject({
      value: true,
      source: 'env',
      variable: 'CLAUDE_WRAPPER_STRICT',
    });
    expect(report.server['maxQueue']).toMatchObject({ value: 5, source: 'file' });
    expect(report.server['logLevel']).toMatchObject({ value: 'info', source: 'default' });

    // Library fields: the value serve passes to the wrapper, or the schema default it falls back to.
    const defaults = CONFIG_DEFAULTS as Readonly<Record<string, unknown>>;
    for (const [field, e] of Object.entries(report.wrapper)) {
      if (field === 'claudeBinary') continue;
      const value = (wrapper as Record<string, unknown>)[field] ?? defaults[field];
      expect(e.value, field).toEqual(field === 'logLevel' ? defaults[field] : redact(field, value));
    }
    expect(report.wrapper['maxTurns']).toMatchObject({
      value: 3,
      source: 'env',
      variable: 'CLAUDE_MAX_TURNS',
    });
    expect(report.wrapper['timeoutMs']).toMatchObject({ value: 120000, source: 'file' });
  });

  it('shows the log level from CLAUDE_LOG_LEVEL for serve too', async () => {
    const r = await h.run(['config', 'show', '--json'], { env: { CLAUDE_LOG_LEVEL: 'debug' } });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.server['logLevel']).toMatchObject({
      value: 'debug',
      source: 'env',
      variable: 'CLAUDE_LOG_LEVEL',
    });
    expect(parseServerOptions(resolveServeOptions({}, { CLAUDE_LOG_LEVEL: 'debug' })).wrapper.logLevel).toBe(
      'debug',
    );
  });

  it('serve exits 2 on a junk CLAUDE_WRAPPER_STRICT, naming the variable; config validate agrees', async () => {
    const [serve, validate] = await Promise.all([
      h.run(['serve', '--port', '0'], { env: { CLAUDE_WRAPPER_STRICT: 'maybe' }, timeoutMs: 15_000 }),
      h.run(['config', 'validate'], { env: { CLAUDE_WRAPPER_STRICT: 'maybe' } }),
    ]);
    const message =
      'CLAUDE_WRAPPER_STRICT: expected a boolean (true/false, 1/0, yes/no, on/off) (received "maybe")';
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain(message);
    expect(serve.stderr).not.toContain('listening');
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(message);
  });

  it('config env lists every variable', async () => {
    const r = await h.run(['config', 'env', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(envVarDocs());
  });
});
