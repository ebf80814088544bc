/**
 * @module
 * argv for the CLI from run options. Nothing free-form a caller sends is part of argv: the prompt,
 * the system prompt, its appendix and the JSON schema go on stdin (see `initialize-fields.ts`), so
 * they are neither length-limited nor visible in `ps`.
 */
import type { ClaudeRunConfig } from '../core/config/schema.js';

/** How the run relates to earlier sessions. */
export interface SessionTarget {
  /** Resume this session id (`--resume`). */
  readonly resume?: string;
  /** Branch the resumed session into a new id (`--fork-session`). */
  readonly fork?: boolean;
  /**
   * Resume only up to this message (its uuid), not to the session's end (`--resume-session-at`):
   * a session that went on in a live process holds later turns than the conversation resumed here.
   */
  readonly resumeAt?: string;
  /** Continue the most recent session in the working directory (`--continue`). */
  readonly continueLast?: boolean;
  /** Use this id for a new session (`--session-id`). */
  readonly sessionId?: string;
}

/** Flags that make the CLI speak stream-json both ways; the official SDK uses the same set. */
export const STREAM_JSON_FLAGS = [
  '--output-format',
  'stream-json',
  '--verbose',
  '--input-format',
  'stream-json',
] as const;

/** Build the CLI argv (without the binary) for one process. */
export function buildCliArgs(options: ClaudeRunConfig, target: SessionTarget = {}): string[] {
  const args: string[] = ['-p', ...STREAM_JSON_FLAGS];
  const add = (flag: string, value: string | number | undefined): void => {
    if (value !== undefined) args.push(flag, String(value));
  };
  if (options.includePartialMessages) args.push('--include-partial-messages');
  add('--model', options.model);
  add('--fallback-model', options.fallbackModel);
  add('--max-turns', options.maxTurns);
  add('--max-budget-usd', options.maxBudgetUsd);
  add('--effort', options.effort);
  add('--permission-mode', options.permissionMode);
  if (options.allowedTools?.length) add('--allowedTools', options.allowedTools.join(','));
  if (options.disallowedTools?.length) add('--disallowedTools', options.disallowedTools.join(','));
  // `--tools ""` is how the CLI spells "no built-in tools".
  if (options.tools) add('--tools', options.tools.join(','));
  if (options.mcpConfig !== undefined) {
    add(
      '--mcp-config',
      typeof options.mcpConfig === 'string' ? options.mcpConfig : JSON.stringify(options.mcpConfig),
    );
  }
  if (options.strictMcpConfig) args.push('--strict-mcp-config');
  for (const dir of options.addDirs ?? []) add('--add-dir', dir);
  if (options.settings !== undefined) {
    add(
      '--settings',
      typeof options.settings === 'string' ? options.settings : JSON.stringify(options.settings),
    );
  }
  if (options.sessionPersistence === false) args.push('--no-session-persistence');
  if (target.resume) add('--resume', target.resume);
  if (target.resume) add('--resume-session-at', target.resumeAt);
  if (target.resume && target.fork) args.push('--fork-session');
  if (target.continueLast) args.push('--continue');
  add('--session-id', target.sessionId);
  for (const [flag, value] of Object.entries(options.extraArgs ?? {})) {
    if (value === null) args.push(flag);
    else args.push(flag, value);
  }
  return args;
}
