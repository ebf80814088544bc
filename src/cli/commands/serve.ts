/**
 * @module
 * `claude-wrapper serve`: run the HTTP proxy. Options come from flags, then env
 * (`CLAUDE_WRAPPER_*`, `CLAUDE_*`), then a JSON config file (`--config` or `CLAUDE_CONFIG_PATH`).
 */
import type { Command } from 'commander';
import type { ServeFlags } from '../serve/resolve-serve-options.js';
import { parseInteger } from '../shared/parse-flags.js';

/** Register the `serve` command. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Anthropic- and OpenAI-compatible HTTP proxy on top of your Claude Code login')
    .option('--host <host>', 'interface to bind (non-loopback requires --api-key)')
    .option('--port <port>', 'TCP port (0 picks a free one)', parseInteger(0))
    .option('--api-key <key...>', 'accepted API key(s); or CLAUDE_WRAPPER_API_KEYS')
    .option('--config <file>', 'JSON config file: { "server": {...}, ...wrapper options }')
    .option('--allow-tools', "give callers Claude Code's built-in tools (off by default)")
    .option('--strict', 'reject parameters the CLI cannot honour with 400')
    .option('--max-concurrent <n>', 'CLI runs at once', parseInteger())
    .option(
      '--allowed-origin <origin...>',
      'browser origin(s) allowed to call the proxy, with CORS (none by default); or CLAUDE_WRAPPER_ALLOWED_ORIGINS',
    )
    .option(
      '--allowed-host <host...>',
      'Host header value(s) accepted (default: the bound address and localhost); or CLAUDE_WRAPPER_ALLOWED_HOSTS',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper serve                          # http://127.0.0.1:8787, your Claude login
  $ claude-wrapper serve --port 9000 --max-concurrent 8
  $ CLAUDE_WRAPPER_API_KEYS=sk-local-123456 claude-wrapper serve --host 0.0.0.0
  $ claude-wrapper serve --config proxy.json      # or CLAUDE_CONFIG_PATH=proxy.json

A config file holds wrapper options at the top level and proxy options under "server":
  {
    "model": "sonnet",
    "timeoutMs": 120000,
    "server": { "port": 9000, "maxConcurrent": 8, "requestsPerMinute": 60 }
  }
Flags win over CLAUDE_WRAPPER_* / CLAUDE_* variables, which win over the file.
Every variable, its field and default: claude-wrapper config env (an invalid value stops serve
naming the variable). What serve will use: claude-wrapper config show [proxy.json]
Check it with: claude-wrapper config validate proxy.json

Then point any client at it:
  ANTHROPIC_BASE_URL=http://127.0.0.1:8787   (Anthropic SDKs)
  OPENAI_BASE_URL=http://127.0.0.1:8787/v1    (OpenAI SDKs)`,
    )
    .action(async (flags: ServeFlags) => {
      const { runServe } = await import('../serve/run-serve.js');
      await runServe(flags);
    });
}
