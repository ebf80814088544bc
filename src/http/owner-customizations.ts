/**
 * @module
 * What of the server owner's own Claude Code set-up the CLI must not bring to callers' requests.
 *
 * The proxy runs the CLI as the user who started it, with that user's login, HOME and settings.
 * Left alone, the CLI would bring that user's customizations to every caller's request: their
 * hooks would run commands on the server and add text to the prompt, their MCP servers would start
 * and offer their tools to the model, their `~/.claude/CLAUDE.md` and auto-memory would go
 * upstream, and their chosen output style and language would rewrite the system prompt (~1.8 KB
 * for the built-in "Explanatory" style). Callers are anyone the server's keys admit: none of this
 * is theirs. Measured with CLI 2.1.330 in `test/e2e/owner-customizations.test.ts`.
 *
 * Not touched: what the login needs (credentials, `apiKeyHelper`, the settings' `env`), managed
 * (policy) settings, and the server's own `wrapper` configuration.
 */
import type { ClaudeCodeConfig } from '../core/config/schema.js';

/**
 * Environment switches: safe mode (CLI 2.1.330: no hooks, MCP servers, plugins, skills, custom
 * commands, agents or output styles, no CLAUDE.md; login, model and permissions as usual) and the
 * two memory switches, kept for CLIs that read them but predate safe mode.
 */
const SWITCHES = [
  'CLAUDE_CODE_SAFE_MODE',
  'CLAUDE_CODE_DISABLE_CLAUDE_MDS',
  'CLAUDE_CODE_DISABLE_AUTO_MEMORY',
] as const;

/**
 * Settings safe mode leaves on that change every request's prompt: built-in output styles and the
 * answer language. Passed with `--settings`, which takes precedence over the user's settings file.
 */
const OWNER_PREFERENCES_OFF = { outputStyle: 'default', language: '' } as const;

type WrapperConfig = Partial<Pick<ClaudeCodeConfig, 'env' | 'settings'>>;

/**
 * `wrapper`'s `env` and `settings` with the owner's customizations off. A switch the server's own
 * environment or `wrapper.env` sets (to 0, say) is left to it; a `wrapper.settings` object is
 * merged over the preferences, a settings file path is the owner's choice and passed alone.
 */
export function ownerCustomizationsOff(wrapper: WrapperConfig): Required<WrapperConfig> {
  const env: Record<string, string> = {};
  for (const name of SWITCHES) if (process.env[name] === undefined) env[name] = '1';
  const { settings } = wrapper;
  return {
    env: { ...env, ...wrapper.env },
    settings: typeof settings === 'string' ? settings : { ...OWNER_PREFERENCES_OFF, ...settings },
  };
}
