/**
 * @module
 * Start a CLI process for resolved run options: binary lookup, argv, environment, working directory.
 */
import { statSync } from 'node:fs';
import type { ClaudeRunConfig } from '../core/config/schema.js';
import { ClaudeCodeValidationError } from '../core/errors/index.js';
import { buildCliArgs, type SessionTarget } from './build-args.js';
import { buildCliEnv } from './build-env.js';
import { CliProcess } from './cli-process.js';
import { findClaudeBinary } from './find-binary.js';

/** Everything needed to start the CLI. */
export interface LaunchOptions extends ClaudeRunConfig {
  readonly killGraceMs: number;
}

/**
 * Spawn the CLI for one run or session.
 * @throws {@link ClaudeCodeConfigurationError} when the binary cannot be found.
 * @throws {@link ClaudeCodeValidationError} when `workingDirectory` is not a directory.
 */
export function launchCli(options: LaunchOptions, target: SessionTarget = {}): CliProcess {
  const binary = findClaudeBinary(options.claudeBinary);
  if (options.workingDirectory !== undefined && !isDirectory(options.workingDirectory)) {
    throw new ClaudeCodeValidationError(
      'workingDirectory',
      options.workingDirectory,
      'is not an existing directory',
    );
  }
  return new CliProcess({
    binary: binary.path,
    args: buildCliArgs(options, target),
    env: buildCliEnv(options),
    cwd: options.workingDirectory,
    killGraceMs: options.killGraceMs,
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
