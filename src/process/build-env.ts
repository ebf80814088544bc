/**
 * @module
 * The CLI's environment: an allow-list of the parent's variables, the wrapper's few settings, then
 * the library caller's `env`. An allow-list, not a deny-list, because the host process (the proxy
 * above all) holds secrets the CLI must never see (`CLAUDE_WRAPPER_API_KEYS`, database URLs, cloud
 * tokens of unrelated services) and a deny-list cannot name them all.
 */
import { CONFIG_DEFAULTS, type ClaudeRunConfig } from '../core/config/schema.js';

/** Default for `CLAUDE_CODE_MAX_RETRIES` (`cliMaxRetries` in the config schema): the CLI's own default (10, up to ~30 s apart) is far too slow for a client library. */
export const DEFAULT_CLI_MAX_RETRIES = CONFIG_DEFAULTS.cliMaxRetries;

/**
 * Parent environment variables the CLI inherits: exact names, and prefixes (ending in `_`).
 *
 * - process basics: `PATH`, `HOME`, `USER`, `LOGNAME`, `SHELL`, `LANG`, `LANGUAGE`, `LC_*`, `TZ`,
 *   `TMPDIR`/`TMP`/`TEMP`, `TERM`, `COLORTERM`, `XDG_*` (config and cache directories), and the
 *   Windows equivalents (`SYSTEMROOT`, `COMSPEC`, `PATHEXT`, `USERPROFILE`, `APPDATA`, `LOCALAPPDATA`);
 * - networking: `NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`, `SSL_CERT_DIR`, `HTTP_PROXY`, `HTTPS_PROXY`,
 *   `NO_PROXY`, `ALL_PROXY` (either case);
 * - Claude Code itself: `ANTHROPIC_*` (API key, auth token, base URL, model overrides, Foundry),
 *   `CLAUDE_CODE_*`, `CLAUDE_CONFIG_DIR`, `DISABLE_AUTOUPDATER`, `DISABLE_TELEMETRY`,
 *   `DISABLE_ERROR_REPORTING`, `DISABLE_NON_ESSENTIAL_MODEL_CALLS`, `DISABLE_COST_WARNINGS`,
 *   `DISABLE_BUG_COMMAND`, `API_TIMEOUT_MS`, `MAX_THINKING_TOKENS`, `MAX_MCP_OUTPUT_TOKENS`,
 *   `BASH_DEFAULT_TIMEOUT_MS`, `BASH_MAX_TIMEOUT_MS`, `BASH_MAX_OUTPUT_LENGTH`, `MCP_*` (timeouts),
 *   `USE_BUILTIN_RIPGREP`, `IS_SANDBOX`, `OTEL_*` (the CLI's own OpenTelemetry export);
 * - Bedrock and Vertex: `AWS_*`, `GOOGLE_*`, `CLOUD_ML_REGION`, `VERTEX_*`.
 *
 * `CLAUDE_WRAPPER_*` (the proxy's own settings, API keys among them) is never inherited, and
 * neither is `NODE_OPTIONS` (flags for this process, e.g. a test runner's loaders; the official SDK
 * drops it too).
 */
export const INHERITED_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'TERM',
  'COLORTERM',
  'XDG_',
  'SYSTEMROOT',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'ANTHROPIC_',
  'CLAUDE_CODE_',
  'CLAUDE_CONFIG_DIR',
  'DISABLE_AUTOUPDATER',
  'DISABLE_TELEMETRY',
  'DISABLE_ERROR_REPORTING',
  'DISABLE_NON_ESSENTIAL_MODEL_CALLS',
  'DISABLE_COST_WARNINGS',
  'DISABLE_BUG_COMMAND',
  'API_TIMEOUT_MS',
  'MAX_THINKING_TOKENS',
  'MAX_MCP_OUTPUT_TOKENS',
  'BASH_DEFAULT_TIMEOUT_MS',
  'BASH_MAX_TIMEOUT_MS',
  'BASH_MAX_OUTPUT_LENGTH',
  'MCP_',
  'USE_BUILTIN_RIPGREP',
  'IS_SANDBOX',
  'OTEL_',
  'AWS_',
  'GOOGLE_',
  'CLOUD_ML_REGION',
  'VERTEX_',
];

const exactNames = new Set(INHERITED_ENV.filter((name) => !name.endsWith('_')));
const prefixes = INHERITED_ENV.filter((name) => name.endsWith('_'));

/**
 * True when the CLI may inherit the parent's variable `name`: listed in {@link INHERITED_ENV} or in
 * the caller's `extra` names and prefixes (the `inheritEnv` option). Never `CLAUDE_WRAPPER_*`.
 */
export function isInheritedEnv(name: string, extra: readonly string[] = []): boolean {
  if (name.startsWith('CLAUDE_WRAPPER_')) return false;
  const listed = (entry: string): boolean => (entry.endsWith('_') ? name.startsWith(entry) : name === entry);
  return exactNames.has(name) || prefixes.some((prefix) => name.startsWith(prefix)) || extra.some(listed);
}

/**
 * Build the environment for a CLI process: the allowed part of `base` (plus `options.inheritEnv`), `CLAUDE_CODE_MAX_RETRIES`,
 * then `options.env` (the library caller's explicit choice, applied unfiltered).
 */
export function buildCliEnv(
  options: Pick<ClaudeRunConfig, 'env' | 'cliMaxRetries' | 'inheritEnv'>,
  base: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && isInheritedEnv(key, options.inheritEnv)) env[key] = value;
  }
  env['CLAUDE_CODE_MAX_RETRIES'] = String(options.cliMaxRetries ?? DEFAULT_CLI_MAX_RETRIES);
  Object.assign(env, options.env ?? {});
  return env;
}
