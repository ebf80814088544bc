/**
 * @module
 * Locating the `claude` executable: explicit option, `CLAUDE_BINARY`, the `@anthropic-ai/claude-code`
 * package installed next to this library (the project's own copy, an optional peer dependency), then
 * `PATH`.
 *
 * The package comes before `PATH` because a project that installs the CLI pins the version it wants
 * (and npm checks it against this package's peer range); a `claude` on `PATH` is whatever the
 * machine happens to have, often an auto-updated native install.
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

/** Options of {@link findClaudeBinary}. */
export interface FindBinaryOptions {
  /**
   * Directory from which `@anthropic-ai/claude-code` is resolved, as Node resolves packages (its
   * `node_modules`, then each parent's). @default this library's own location, so a project that
   * depends on both packages finds its CLI
   */
  readonly resolveFrom?: string;
}

/** The npm package that ships the CLI. */
export const CLI_PACKAGE = '@anthropic-ai/claude-code';

const INSTALL_HINT =
  `Install the official CLI: \`npm install ${CLI_PACKAGE}\` in your project (found automatically), ` +
  `or \`npm install -g ${CLI_PACKAGE}\` (found on PATH), or point the \`claudeBinary\` option / ` +
  'CLAUDE_BINARY environment variable at the `claude` executable.';

/**
 * Find the CLI binary.
 * @param explicit The `claudeBinary` option, if any.
 * @param env Environment to read `CLAUDE_BINARY` and `PATH` from.
 * @throws {@link ClaudeCodeConfigurationError} (`BINARY_NOT_FOUND`) saying how to install it.
 */
export function findClaudeBinary(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: FindBinaryOptions = {},
): ResolvedBinary {
  if (explicit) return { path: requireExecutable(explicit, 'claudeBinary option'), source: 'option' };
  const fromEnv = env['CLAUDE_BINARY'];
  if (fromEnv) return { path: requireExecutable(fromEnv, 'CLAUDE_BINARY'), source: 'env' };
  const fromPackage = searchPackage(options.resolveFrom);
  if (fromPackage) return { path: fromPackage, source: 'package' };
  const onPath = searchPath('claude', env['PATH'] ?? '');
  if (onPath) return { path: onPath, source: 'path' };
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

/**
 * The native binary of the installed package. The platform package's own file comes first: the
 * main package's `bin/claude.exe` is only a placeholder until its postinstall script copies the
 * binary over it, and installs may skip scripts (`--ignore-scripts`, npm's script allow-list).
 */
function searchPackage(resolveFrom: string | undefined): string | undefined {
  const require = createRequire(resolveFrom === undefined ? import.meta.url : join(resolveFrom, 'noop.js'));
  const root = packageRoot(require, CLI_PACKAGE);
  const executable = process.platform === 'win32' ? 'claude.exe' : 'claude';
  const platform = `${CLI_PACKAGE}-${process.platform}-${process.arch}`;
  // The platform package is a dependency of the main one: resolve it from there (nested or hoisted).
  const from = root === undefined ? require : createRequire(join(root, 'package.json'));
  const candidates = [platform, `${platform}-musl`].flatMap((name) => {
    const dir = packageRoot(from, name);
    return dir === undefined ? [] : [join(dir, executable)];
  });
  if (root !== undefined) candidates.push(join(root, 'bin', 'claude.exe'), join(root, 'bin', 'claude'));
  return candidates.find(isExecutableFile);
}

function packageRoot(require: NodeJS.Require, name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
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
