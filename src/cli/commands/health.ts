/**
 * @module
 * `claude-wrapper health`: is the CLI installed and logged in? Exit 0 healthy, 1 not.
 */
import type { Command } from 'commander';
import { healthCheck } from '../../client/health-check.js';
import { loadConfig } from '../../core/config/load-config.js';
import { buildCliEnv } from '../../process/build-env.js';

/** Register the `health` command. */
export function registerHealth(program: Command): void {
  program
    .command('health')
    .description('Check the Claude Code CLI: binary, version, credentials')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { json?: boolean }) => {
      const config = loadConfig();
      const report = await healthCheck({ claudeBinary: config.claudeBinary, env: buildCliEnv(config) });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        const b = report.binary;
        process.stdout.write(
          `binary:      ${b.found ? `${b.path} (${b.version ?? 'version unknown'})` : 'not found'}\n`,
        );
        process.stdout.write(
          `credentials: ${report.credentials.configured ? report.credentials.source : 'none'}\n`,
        );
        process.stdout.write(`status:      ${report.status}\n`);
        for (const problem of report.problems) process.stdout.write(`  - ${problem}\n`);
      }
      process.exitCode = report.status === 'ok' ? 0 : 1;
    });
}
