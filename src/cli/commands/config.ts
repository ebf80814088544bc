/**
 * @module
 * `claude-wrapper config show|validate [file]`: the resolved configuration and its sources.
 */
import type { Command } from 'commander';
import type { ConfigEnvFlags, ConfigFlags } from '../config/run-config.js';

/** Register the `config` command and its subcommands. */
export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('Show or validate the configuration (defaults, config file, CLAUDE_* variables)');
  config
    .command('show')
    .description('Print the resolved configuration and where each value came from')
    .argument('[file]', 'JSON config file (default: CLAUDE_CONFIG_PATH)')
    .option('--json', 'print as JSON: { file, wrapper: { field: { value, source, variable? } }, server }')
    .action(async (file: string | undefined, flags: ConfigFlags) => {
      const { runConfigShow } = await import('../config/run-config.js');
      runConfigShow(file, flags);
    });
  config
    .command('validate')
    .description('Check the configuration; exit 0 when valid, 2 naming the bad field when not')
    .argument('[file]', 'JSON config file (default: CLAUDE_CONFIG_PATH)')
    .option('--json', 'print { valid, file, error? } as JSON')
    .action(async (file: string | undefined, flags: ConfigFlags) => {
      const { runConfigValidate } = await import('../config/run-config.js');
      runConfigValidate(file, flags);
    });
  config
    .command('env')
    .description(
      'List every environment variable (CLAUDE_*, CLAUDE_WRAPPER_*): field, type, default, meaning',
    )
    .option('--json', 'print as a JSON array of { name, scope, field, type, description, default? }')
    .option('--markdown', "print as a Markdown table (the README's)")
    .action(async (flags: ConfigEnvFlags) => {
      const { runConfigEnv } = await import('../config/run-config.js');
      runConfigEnv(flags);
    });
  config.addHelpText(
    'after',
    `
Examples:
  $ claude-wrapper config show
  $ claude-wrapper config show proxy.json --json | jq .wrapper.model
  $ CLAUDE_TIMEOUT_MS=60000 claude-wrapper config show      # source: env CLAUDE_TIMEOUT_MS
  $ claude-wrapper config env                                # every variable, its field and default
  $ claude-wrapper config validate proxy.json && claude-wrapper serve --config proxy.json

Precedence: environment variables (CLAUDE_*, CLAUDE_WRAPPER_* for serve) over the file over
defaults; serve's flags over all of them. Booleans are true/false, 1/0, yes/no, on/off; lists are
comma-separated; an invalid value fails naming the variable. Values whose names contain KEY, TOKEN or SECRET are printed as [redacted].`,
  );
}
