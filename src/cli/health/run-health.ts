/**
 * @module
 * Print the health report: is the Claude Code CLI installed, which version, are credentials set up.
 */
import { healthCheck, healthCheckOptionsFor } from '../../client/health-check.js';
import { EXIT } from '../exit-codes.js';
import { loadCliConfig } from '../shared/load-cli-config.js';
import { createStyle } from '../shared/terminal.js';

/** Flags of `health`. */
export interface HealthFlags {
  readonly json?: boolean;
}

/** Run `health`; exit code 0 when healthy, 1 when not. */
export async function runHealth(flags: HealthFlags): Promise<void> {
  const config = loadCliConfig().wrapper;
  const report = await healthCheck(healthCheckOptionsFor(config));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const style = createStyle(process.stdout);
    const b = report.binary;
    const lines = [
      `binary:      ${b.found ? `${b.path} (${b.version ?? 'version unknown'})` : 'not found'}`,
      `credentials: ${report.credentials.configured ? report.credentials.source : 'none'}`,
      `status:      ${report.status === 'ok' ? style.green('ok') : style.red(report.status)}`,
      ...report.problems.map((problem) => `  - ${problem}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = report.status === 'ok' ? EXIT.ok : EXIT.runFailed;
}
