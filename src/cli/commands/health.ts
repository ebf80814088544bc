/**
 * @module
 * `claude-wrapper health`: is the CLI installed and logged in? Exit 0 healthy, 1 not.
 */
import type { Command } from 'commander';
import type { HealthFlags } from '../health/run-health.js';

/** Register the `health` command. */
export function registerHealth(program: Command): void {
  program
    .command('health')
    .description('Check the Claude Code CLI: binary, version, credentials (exit 0 healthy, 1 not)')
    .option('--json', 'print the report as JSON')
    .option('--deep', 'also make one minimal real (billed) call: does the API accept the credentials?')
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper health
  $ claude-wrapper health --json | jq .binary.version
  $ claude-wrapper health >/dev/null && echo ready
  $ claude-wrapper health --deep --json | jq -r .deep.outcome

Without --deep it makes no paid call: runs "claude --version" and looks for credentials
(ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN, or ~/.claude/.credentials.json).
--deep makes one one-word call (the configured model, else haiku; no tools, no retries) and says
which of these it was: ok, key rejected (the API answered 401), not logged in, cannot reach the
API, or another failure.`,
    )
    .action(async (flags: HealthFlags) => {
      const { runHealth } = await import('../health/run-health.js');
      await runHealth(flags);
    });
}
