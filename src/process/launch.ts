/**
 * @module
 * Start a CLI process for resolved run options: binary lookup, argv, environment, working directory.
 * A {@link LaunchSpec} is everything fixed at spawn time; its `key` groups interchangeable processes
 * in the warm pool.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** What a CLI process is started with. */
export interface LaunchSpec {
  readonly binary: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** A fixed directory, or `isolated` for a fresh empty one per process. */
  readonly cwd: string | 'isolated' | undefined;
  readonly killGraceMs: number;
  /** Hash of binary, argv, env and cwd: equal keys mean interchangeable processes. */
  readonly key: string;
}

/** Root of the per-process directories used by `isolateWorkingDirectory`. */
export const ISOLATED_ROOT = join(tmpdir(), 'claude-code-wrapper');

/**
 * Resolve the spec for `options` and `target` (no process is started).
 * @throws {@link ClaudeCodeConfigurationError} when the binary cannot be found.
 * @throws {@link ClaudeCodeValidationError} when `workingDirectory` is not a directory.
 */
export function resolveLaunchSpec(
  options: LaunchOptions,
  target: SessionTarget = {},
  extraArgs: readonly string[] = [],
): LaunchSpec {
  const binary = findClaudeBinary(options.claudeBinary).path;
  if (options.workingDirectory !== undefined && !isDirectory(options.workingDirectory)) {
    throw new ClaudeCodeValidationError(
      'workingDirectory',
      options.workingDirectory,
      'is not an existing directory',
    );
  }
  const args = [...buildCliArgs(options, target), ...extraArgs];
  const env = buildCliEnv(options);
  const cwd = options.isolateWorkingDirectory ? 'isolated' : options.workingDirectory;
  // Only the warm pool reads the key; hashing the whole environment costs ~0.1 ms per run.
  let key: string | undefined;
  return {
    binary,
    args,
    env,
    cwd,
    killGraceMs: options.killGraceMs,
    get key() {
      return (key ??= createHash('sha256')
        .update(JSON.stringify([binary, args, env, cwd ?? null]))
        .digest('hex'));
    },
  };
}

/** Start a process from a spec. An isolated directory is created now and removed when it exits. */
export function spawnFromSpec(spec: LaunchSpec): CliProcess {
  let cwd: string | undefined = spec.cwd === 'isolated' ? undefined : spec.cwd;
  let cleanup: (() => void) | undefined;
  if (spec.cwd === 'isolated') {
    const dir = isolatedDirectory();
    cwd = dir;
    cleanup = () => removeDirectory(dir);
  }
  return new CliProcess({
    binary: spec.binary,
    args: spec.args,
    env: spec.env,
    cwd,
    killGraceMs: spec.killGraceMs,
    ...(cleanup ? { onExit: cleanup } : {}),
  });
}

/** Resolve and spawn in one step. */
export function launchCli(options: LaunchOptions, target: SessionTarget = {}): CliProcess {
  return spawnFromSpec(resolveLaunchSpec(options, target));
}

/** A fresh empty directory under {@link ISOLATED_ROOT} (created on first use, or again if removed). */
function isolatedDirectory(): string {
  try {
    return mkdtempSync(join(ISOLATED_ROOT, 'run-'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(ISOLATED_ROOT, { recursive: true, mode: 0o700 });
    return mkdtempSync(join(ISOLATED_ROOT, 'run-'));
  }
}

/**
 * Remove a run's directory in the background (never on the request path). Usually the CLI left it
 * empty, so one `rmdir` does; otherwise the recursive delete.
 */
function removeDirectory(dir: string): void {
  rmdir(dir)
    .catch(() => rm(dir, { recursive: true, force: true, maxRetries: 2 }))
    .catch(() => {});
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
