/**
 * @module
 * Locating the `claude` executable: explicit option, `CLAUDE_BINARY`, `PATH`, then the
 * `@anthropic-ai/claude-code` package if it is installed next to this library.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { ClaudeCodeConfigurationError } from '../core/errors/index.js';

/** Where the binary was found. */
export type BinarySource = 'option' | 'env' | 'path' | 'package';

/** A resolved binary. */
export interface ResolvedBinary {
  readonly path: string;
  readonly source: BinarySource;
}

const INSTALL_HINT =
  'Install the official CLI with `npm install -g @anthropic-ai/claude-code` (or add it to your project), ' +
  'or point the `claudeBinary` option / CLAUDE_BINARY environment variable at the `claude` executable.';

/**
 * Find the CLI binary.
 * @param explicit The `claudeBinary` option, if any.
 * @param env Environment to read `CLAUDE_BINARY` and `PATH` from.
 * @throws {@link ClaudeCodeConfigurationError} (`BINARY_NOT_FOUND`) saying how to install it.
 */
export function findClaudeBinary(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedBinary {
  if (explicit) return { path: requireExecutable(explicit, 'claudeBinary option'), source: 'option' };
  const fromEnv = env['CLAUDE_BINARY'];
  if (fromEnv) return { path: requireExecutable(fromEnv, 'CLAUDE_BINARY'), source: 'env' };
  const onPath = searchPath('claude', env['PATH'] ?? '');
  if (onPath) return { path: onPath, source: 'path' };
  const fromPackage = searchPackage();
  if (fromPackage) return { path: fromPackage, source: 'package' };
  throw new ClaudeCodeConfigurationError(`Claude Code CLI not found. ${INSTALL_HINT}`, {
    code: 'BINARY_NOT_FOUND',
  });
}

function requireExecutable(path: string, origin: string): string {
  const absolute = isAbsolute(path) ? path : resolve(path);
  if (!isExecutableFile(absolute)) {
    throw new ClaudeCodeConfigurationError(
      `Claude Code CLI not found at ${absolute} (from ${origin}): no executable file there. ${INSTALL_HINT}`,
      { code: 'BINARY_NOT_FOUND', context: { path: absolute, origin } },
    );
  }
  return absolute;
}

function searchPath(name: string, pathValue: string): string | undefined {
  for (const dir of pathValue.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function searchPackage(): string | undefined {
  const require = createRequire(import.meta.url);
  const candidates: string[] = [];
  try {
    const root = dirname(require.resolve('@anthropic-ai/claude-code/package.json'));
    candidates.push(join(root, 'bin', 'claude.exe'), join(root, 'bin', 'claude'));
  } catch {
    // Not installed: fall through to the platform package.
  }
  try {
    const platformRoot = dirname(
      require.resolve(`@anthropic-ai/claude-code-${process.platform}-${process.arch}/package.json`),
    );
    candidates.push(join(platformRoot, 'claude'));
  } catch {
    // Not installed.
  }
  return candidates.find(isExecutableFile);
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
