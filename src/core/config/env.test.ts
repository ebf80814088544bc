import { describe, expect, it } from 'vitest';
import { ClaudeCodeValidationError } from '../errors/index.js';
import { parseEnvValue, type EnvType } from './env.js';
import { CONFIG_ENV_VARS, loadConfig, readConfigEnv } from './load-config.js';
import { CONFIG_DEFAULTS, configSchema } from './schema.js';

// A valid value for every variable: adding a variable without a sample fails the first test.
const SAMPLES: Readonly<Record<string, [raw: string, parsed: unknown]>> = {
  CLAUDE_BINARY: ['/usr/bin/claude', '/usr/bin/claude'],
  CLAUDE_MODEL: ['sonnet', 'sonnet'],
  CLAUDE_FALLBACK_MODEL: ['opus,haiku', 'opus,haiku'],
  CLAUDE_TIMEOUT_MS: ['60000', 60_000],
  CLAUDE_IDLE_TIMEOUT_MS: ['0', 0],
  CLAUDE_SYSTEM_PROMPT: ['Be brief.', 'Be brief.'],
  CLAUDE_APPEND_SYSTEM_PROMPT: [' and kind', ' and kind'],
  CLAUDE_MAX_TURNS: [' 3 ', 3],
  CLAUDE_ALLOWED_TOOLS: ['Read, Bash(git:*) ,', ['Read', 'Bash(git:*)']],
  CLAUDE_DISALLOWED_TOOLS: ['Write', ['Write']],
  CLAUDE_TOOLS: ['', undefined],
  CLAUDE_INHERIT_ENV: ['MY_APP_, OTHER', ['MY_APP_', 'OTHER']],
  CLAUDE_PERMISSION_MODE: ['plan', 'plan'],
  CLAUDE_WORKING_DIRECTORY: ['/tmp', '/tmp'],
  CLAUDE_MAX_BUDGET_USD: ['0.5', 0.5],
  CLAUDE_CLI_MAX_RETRIES: ['4', 4],
  CLAUDE_SESSION_PERSISTENCE: ['off', false],
  CLAUDE_LOG_LEVEL: ['debug', 'debug'],
  CLAUDE_MAX_RETRIES: ['1', 1],
};

describe('CONFIG_ENV_VARS (the CLAUDE_* table)', () => {
  it('parses every variable into its field', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(CONFIG_ENV_VARS).sort());
    const env = Object.fromEntries(Object.entries(SAMPLES).map(([name, [raw]]) => [name, raw]));
    const { values, variables } = readConfigEnv(env);
    for (const [name, spec] of Object.entries(CONFIG_ENV_VARS)) {
      const expected = SAMPLES[name]?.[1];
      expect(values[spec.path], name).toEqual(expected);
      expect(variables[spec.path], name).toBe(expected === undefined ? undefined : name);
      expect(spec.description.length, name).toBeGreaterThan(0);
      expect(Object.keys(configSchema.shape), name).toContain(spec.path);
    }
    // Every field is set by one variable at most.
    const paths = Object.values(CONFIG_ENV_VARS).map((spec) => spec.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('reads booleans like true/false, 1/0, yes/no, on/off in any case', () => {
    for (const raw of ['true', '1', 'yes', 'on', 'ON', 'On', ' TRUE ', 'Yes'])
      expect(parseEnvValue('X', 'boolean', raw), raw).toBe(true);
    for (const raw of ['false', '0', 'no', 'off', 'OFF', 'No'])
      expect(parseEnvValue('X', 'boolean', raw), raw).toBe(false);
    expect(loadConfig({ env: { CLAUDE_SESSION_PERSISTENCE: 'on' } })).toEqual({ sessionPersistence: true });
  });

  it('reads maps as comma-separated name=value pairs, and refuses a pair without both sides', () => {
    expect(parseEnvValue('X', 'map', ' gpt-4o = sonnet, o3=opus ,,')).toEqual({
      'gpt-4o': 'sonnet',
      o3: 'opus',
    });
    expect(parseEnvValue('X', 'map', 'a=b=c')).toEqual({ a: 'b=c' });
    for (const raw of ['gpt-4o', 'gpt-4o=', '=sonnet', 'a=b,c']) {
      expect(() => parseEnvValue('X', 'map', raw), raw).toThrow(
        'X: expected comma-separated name=value pairs',
      );
    }
  });

  it('fails on a bad boolean or number, naming the variable and the value', () => {
    const bad: Record<Exclude<EnvType, 'string' | 'list' | 'map'>, string[]> = {
      boolean: ['maybe', 'y', '2', 'enabled'],
      number: ['soon', '12abc', '0x10', '1_000', 'NaN', 'Infinity'],
    };
    for (const [name, spec] of Object.entries(CONFIG_ENV_VARS)) {
      if (spec.type !== 'boolean' && spec.type !== 'number') continue;
      for (const raw of bad[spec.type]) {
        let caught: unknown;
        try {
          loadConfig({ env: { [name]: raw } });
        } catch (error) {
          caught = error;
        }
        expect(caught, `${name}=${raw}`).toBeInstanceOf(ClaudeCodeValidationError);
        const e = caught as ClaudeCodeValidationError;
        expect(e.field).toBe(name);
        expect(e.value).toBe(raw);
        expect(e.message).toContain(`${name}: expected a ${spec.type}`);
      }
    }
    expect(() => loadConfig({ env: { CLAUDE_SESSION_PERSISTENCE: 'maybe' } })).toThrow(
      'Invalid CLAUDE_SESSION_PERSISTENCE: expected a boolean (true/false, 1/0, yes/no, on/off) (received "maybe")',
    );
  });

  it('still validates the parsed value against the schema, naming the variable', () => {
    expect(() => loadConfig({ env: { CLAUDE_MAX_TURNS: '0' } })).toThrow(
      /environment variable CLAUDE_MAX_TURNS -> maxTurns/,
    );
    expect(() => loadConfig({ env: { CLAUDE_MAX_TURNS: '2.5' } })).toThrow(/CLAUDE_MAX_TURNS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ env: { CLAUDE_MAX_TURNS: '', CLAUDE_MODEL: '' } })).toEqual({});
  });
});

describe('CONFIG_DEFAULTS (the schema defaults)', () => {
  it('are read from the schema fields', () => {
    expect(Object.keys(CONFIG_DEFAULTS).sort()).toEqual(
      [
        'cliMaxRetries',
        'enableMetrics',
        'idleTimeoutMs',
        'killGraceMs',
        'logLevel',
        'maxConcurrent',
        'maxQueue',
        'maxRetries',
        'maxRetryDelayMs',
        'metricsWindow',
        'requestsPerMinute',
        'retryBackoffFactor',
        'retryDelayMs',
        'retryOnTimeout',
        'sessionPersistence',
        'throwOnError',
        'timeoutMs',
        'toolResultTimeoutMs',
      ].sort(),
    );
    // Each default is valid for its own field.
    expect(configSchema.parse(CONFIG_DEFAULTS)).toEqual(CONFIG_DEFAULTS);
    expect(CONFIG_DEFAULTS.logLevel).toBe('warn');
  });

  it('are not filled in by parsing: per-call options must not override the configuration', () => {
    expect(configSchema.parse({})).toEqual({});
  });
});
