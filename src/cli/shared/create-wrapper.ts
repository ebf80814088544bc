/**
 * @module
 * The library client every prompt-running command uses, configured like the proxy
 * (see {@link loadCliConfig}).
 */
import { ClaudeCodeWrapper } from '../../client/wrapper.js';
import type { ClaudeCodeConfig } from '../../core/config/schema.js';
import { loadCliConfig } from './load-cli-config.js';

/**
 * A wrapper configured from `CLAUDE_CONFIG_PATH` and `CLAUDE_*` variables.
 * @param overrides Settings from command flags, applied last.
 * @throws {@link ClaudeCodeValidationError} or {@link ClaudeCodeConfigurationError} (exit 2).
 */
export function createWrapper(overrides: Partial<ClaudeCodeConfig> = {}): ClaudeCodeWrapper {
  return new ClaudeCodeWrapper({ ...loadCliConfig().wrapper, ...overrides });
}
