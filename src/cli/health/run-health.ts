/**
 * @module
 * Print the health report: is the Claude Code CLI installed, which version, are credentials set up,
 * and with `--deep` does the API accept them (one minimal real call).
 */
import type { DeepCheckOutcome } from '../../client/deep-check.js';
import { healthCheck, healthCheckOptionsFor, type HealthReport } from '../../client/health-check.js';
import { ClaudeCodeWrapper } from '../../client/wrapper.js';
import type { ClaudeCodeConfig } from '../../core/config/schema.js';
import { EXIT } from '../exit-codes.js';
import { loadCliConfig } from '../shared/load-cli-config.js';
import { createStyle } from '../shared/terminal.js';

/** Flags of `health`. */
export interface HealthFlags {
  readonly json?: boolean;
  readonly deep?: boolean;
}

const DEEP_LABELS: Record<DeepCheckOutcome, string> = {
  ok: 'ok, the API accepted the credentials',
  key_rejected: 'key rejected (the API answered 401)',
  not_logged_in: 'not logged in (no call made)',
  unreachable: 'cannot reach the API',
  failed: 'the test call failed',
};

/** Run `health`; exit code 0 when healthy, 1 when not. */
export async function runHealth(flags: HealthFlags): Promise<void> {
  const config = loadCliConfig().wrapper;
  const report = flags.deep ? await deepReport(config) : await healthCheck(healthCheckOptionsFor(config));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const style = createStyle(process.stdout);
    const b = report.binary;
    const range = b.tested === false ? ', outside the tested range' : '';
    const lines = [
      `binary:      ${b.found ? `${b.path} (${b.version ?? 'version unknown'}${range})` : 'not found'}`,
      `credentials: ${report.credentials.configured ? report.credentials.source : 'none'}`,
      ...(report.deep
        ? [`api:         ${DEEP_LABELS[report.deep.outcome]} (${report.deep.latencyMs} ms)`]
        : []),
      `status:      ${report.status === 'ok' ? style.green('ok') : style.red(report.status)}`,
      ...report.problems.map((problem) => `  - ${problem}`),
      ...report.warnings.map((warning) => `  ! ${warning}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = report.status === 'ok' ? EXIT.ok : EXIT.runFailed;
}

/**
 * The report with the deep check: one call as configured (binary, environment, model), without what
 * would stand between it and the API (wrapper retries, response cache, warm pool, shared rate limit,
 * circuit breaker), so its outcome is the API's own answer.
 */
async function deepReport(config: ClaudeCodeConfig): Promise<HealthReport> {
  const {
    cache: _cache,
    warmPool: _warmPool,
    redisUrl: _redisUrl,
    requestsPerMinute: _requestsPerMinute,
    circuitBreaker: _circuitBreaker,
    ...plain
  } = config;
  const wrapper = new ClaudeCodeWrapper({ ...plain, maxRetries: 0 });
  try {
    return await wrapper.healthCheck({ deep: true });
  } finally {
    await wrapper.close();
  }
}
