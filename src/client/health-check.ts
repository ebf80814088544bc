/**
 * @module
 * `healthCheck()`: is the CLI installed, which version, and do credentials look configured? Never
 * makes a paid call unless `deep: true`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClaudeRunConfig } from '../core/config/schema.js';
import { buildCliEnv } from '../process/build-env.js';
import { isTestedCliVersion, TESTED_CLI_RANGE } from '../process/cli-version.js';
import { findClaudeBinary, type ResolvedBinary } from '../process/find-binary.js';
import { deepCheck, type DeepCheckResult, type DeepCheckRunner } from './deep-check.js';

const run = promisify(execFile);

/** Where credentials were found, if anywhere. */
export type CredentialSource =
  | 'ANTHROPIC_API_KEY'
  | 'ANTHROPIC_AUTH_TOKEN'
  | 'CLAUDE_CODE_OAUTH_TOKEN'
  | 'credentials-file'
  | 'cloud-provider'
  | 'none';

/** Result of {@link healthCheck}. */
export interface HealthReport {
  /** `ok` when the binary runs and credentials look configured. */
  readonly status: 'ok' | 'unhealthy';
  readonly binary: {
    readonly found: boolean;
    readonly path?: string;
    readonly version?: string;
    /** Whether `version` is in the tested range ({@link TESTED_CLI_RANGE}); absent when unknown. */
    readonly tested?: boolean;
    readonly error?: string;
  };
  readonly credentials: {
    readonly configured: boolean;
    readonly source: CredentialSource;
    readonly hint?: string;
  };
  /** Only with `deep: true`: one minimal real call, which tells a rejected key from a good one. */
  readonly deep?: DeepCheckResult;
  /** Human-readable problems, empty when healthy. */
  readonly problems: readonly string[];
  /** What may not work but does not make the report unhealthy (a CLI version outside the tested range). */
  readonly warnings: readonly string[];
}

/** Options for {@link healthCheck}. */
export interface HealthCheckOptions {
  readonly claudeBinary?: string | undefined;
  /** Environment the CLI will run with. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Also make one minimal real (billed) call through `wrapper`. */
  readonly deep?: boolean;
  /** Runs the deep check's prompt: a `ClaudeCodeWrapper`. */
  readonly wrapper?: DeepCheckRunner;
  /** Model of the deep check's call. @default 'haiku' */
  readonly deepModel?: string | undefined;
}

/**
 * The binary and the environment the CLI really gets with this configuration (allow-listed, never
 * the host's own secrets), as {@link healthCheck} and {@link HealthMonitor} options.
 */
export function healthCheckOptionsFor(
  config: Pick<ClaudeRunConfig, 'claudeBinary' | 'env' | 'cliMaxRetries' | 'inheritEnv'>,
): HealthCheckOptions {
  return { claudeBinary: config.claudeBinary, env: buildCliEnv(config) };
}

/**
 * Where the CLI binary is with this configuration (its `claudeBinary` option, else `CLAUDE_BINARY`,
 * the project's `@anthropic-ai/claude-code` package, then `PATH`).
 * @throws `ClaudeCodeConfigurationError` (`BINARY_NOT_FOUND`) saying how to install it.
 */
export function locateClaudeBinary(
  claudeBinary: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedBinary {
  return findClaudeBinary(claudeBinary, env);
}

const LOGIN_HINT =
  'Claude Code is not logged in: run `claude` once and use /login (Claude Pro/Max subscription), or set ANTHROPIC_API_KEY.';

/** Find where the CLI would take credentials from, without reading any secret. */
export function detectCredentials(env: Readonly<Record<string, string | undefined>>): CredentialSource {
  for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'] as const) {
    if (env[name]) return name;
  }
  if (env['CLAUDE_CODE_USE_BEDROCK'] || env['CLAUDE_CODE_USE_VERTEX']) return 'cloud-provider';
  const configDir = env['CLAUDE_CONFIG_DIR'] ?? join(env['HOME'] ?? homedir(), '.claude');
  return existsSync(join(configDir, '.credentials.json')) ? 'credentials-file' : 'none';
}

const DEEP_PROBLEMS: Record<DeepCheckResult['outcome'], (error: string) => string> = {
  ok: () => '',
  key_rejected: (error) =>
    `The API rejected the credentials (${error}): log in again (\`claude\`, then /login) or fix ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN.`,
  not_logged_in: (error) => `Claude Code has no credentials (${error}). ${LOGIN_HINT}`,
  unreachable: (error) =>
    `Cannot reach the API (${error}): check the network, HTTPS_PROXY and ANTHROPIC_BASE_URL.`,
  failed: (error) => `The test call failed: ${error}`,
};

/**
 * Check the installation. Cheap: runs `claude --version` (~20 ms) and looks for credentials.
 * @example
 * ```ts
 * const report = await healthCheck();
 * if (report.status !== 'ok') console.error(report.problems.join('\n'));
 * ```
 */
export async function healthCheck(options: HealthCheckOptions = {}): Promise<HealthReport> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let binary: HealthReport['binary'];
  try {
    const found = findClaudeBinary(options.claudeBinary, env);
    try {
      const { stdout } = await run(found.path, ['--version'], { timeout: 10_000 });
      const version = stdout.trim().split(/\s+/)[0] ?? stdout.trim();
      const tested = isTestedCliVersion(version);
      binary = { found: true, path: found.path, version, ...(tested === undefined ? {} : { tested }) };
    } catch (error) {
      binary = {
        found: true,
        path: found.path,
        error: `\`claude --version\` failed: ${(error as Error).message}`,
      };
      problems.push(binary.error ?? '');
    }
  } catch (error) {
    binary = { found: false, error: (error as Error).message };
    problems.push((error as Error).message);
  }
  const source = detectCredentials(env);
  const credentials =
    source === 'none' ? { configured: false, source, hint: LOGIN_HINT } : { configured: true, source };
  if (source === 'none') problems.push(LOGIN_HINT);
  const warnings =
    binary.tested === false
      ? [
          `Claude Code ${binary.version ?? ''} is outside the tested range ${TESTED_CLI_RANGE}: it may work, but this package was not tested with it.`,
        ]
      : [];
  let deep: DeepCheckResult | undefined;
  // Run even when no credentials were detected: they may live where detection cannot look.
  if (options.deep && options.wrapper && binary.found && !binary.error) {
    deep = await deepCheck(options.wrapper, options.deepModel);
    if (!deep.ok) problems.push(DEEP_PROBLEMS[deep.outcome](deep.error ?? 'unknown error'));
  }
  return {
    status: problems.length === 0 ? 'ok' : 'unhealthy',
    binary,
    credentials,
    ...(deep ? { deep } : {}),
    problems,
    warnings,
  };
}

/** Options of {@link HealthMonitor}. */
export interface HealthMonitorOptions extends Omit<HealthCheckOptions, 'deep' | 'wrapper'> {
  /** How long a report is reused before the next request refreshes it. @unit milliseconds @default 60000 */
  readonly ttlMs?: number;
}

/**
 * {@link healthCheck} for a long-running server: the report (and its `claude --version` spawn) is
 * reused for `ttlMs`, concurrent callers share one probe, and a stale report is answered at once
 * while a fresh one is made in the background. So a probe endpoint polled every second, or hammered
 * by a caller, costs one spawn a minute instead of one per request.
 */
export class HealthMonitor {
  readonly #options: HealthCheckOptions;
  readonly #ttlMs: number;
  #report: HealthReport | undefined;
  #checkedAt = 0;
  #pending: Promise<HealthReport> | undefined;

  constructor(options: HealthMonitorOptions = {}) {
    const { ttlMs = 60_000, ...check } = options;
    this.#options = check;
    this.#ttlMs = ttlMs;
  }

  /** Start the first probe now (e.g. at server start) so the first caller does not wait for it. */
  prime(): void {
    this.#refresh().catch(() => undefined);
  }

  /**
   * The last report, refreshed in the background when older than `ttlMs`; waits only for the very
   * first probe.
   */
  async current(): Promise<HealthReport> {
    const report = this.#report;
    if (report === undefined) return this.#refresh();
    if (Date.now() - this.#checkedAt >= this.#ttlMs) this.#refresh().catch(() => undefined);
    return report;
  }

  /** A fresh report, unless one younger than `ttlMs` exists. */
  async fresh(): Promise<HealthReport> {
    if (this.#report !== undefined && Date.now() - this.#checkedAt < this.#ttlMs) return this.#report;
    return this.#refresh();
  }

  #refresh(): Promise<HealthReport> {
    this.#pending ??= healthCheck(this.#options)
      .then((report) => {
        this.#report = report;
        this.#checkedAt = Date.now();
        return report;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}
