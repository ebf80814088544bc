/**
 * @module
 * Start a CLI process for resolved run options: binary lookup, argv, environment, working directory.
 * A {@link LaunchSpec} is everything fixed at spawn time; its `key` groups interchangeable processes
 * in the warm pool.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { ClaudeRunConfig } from '../core/config/schema.js';
import { ClaudeCodeValidationError } from '../core/errors/index.js';
import { buildCliArgs, type SessionTarget } from './build-args.js';
import { buildCliEnv } from './build-env.js';
import { CliProcess } from './cli-process.js';
import { sweepCliTemp } from './cli-temp-sweep.js';
import { findClaudeBinary } from './find-binary.js';
import { buildInitializeFields, type InitializeFields } from './initialize-fields.js';
import { removeIsolatedDirectory, takeIsolatedDirectory } from './isolated-directory.js';
import { controlRequestLine } from './stdin-protocol.js';

export { ISOLATED_ROOT } from './isolated-directory.js';

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
  /** Settings sent in the `initialize` control request on stdin (never argv); undefined when none. */
  readonly initialize?: InitializeFields | undefined;
  /** Hash of binary, argv, env, cwd and initialize fields: equal keys mean interchangeable processes. */
  readonly key: string;
}

/** How {@link spawnFromSpec} starts the process. */
export interface SpawnOptions {
  /**
   * Write the spec's `initialize` request (when it has fields) right after spawning. False when
   * the caller sends its own `initialize` with {@link LaunchSpec.initialize} (the warm pool).
   * @default true
   */
  readonly sendInitialize?: boolean;
}

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
  const initialize = buildInitializeFields(options);
  const cwd = options.isolateWorkingDirectory ? 'isolated' : options.workingDirectory;
  // Only the warm pool reads the key; hashing the whole environment costs ~0.1 ms per run.
  let key: string | undefined;
  return {
    binary,
    args,
    env,
    cwd,
    killGraceMs: options.killGraceMs,
    initialize,
    get key() {
      return (key ??= createHash('sha256')
        .update(JSON.stringify([binary, args, env, cwd ?? null, initialize ?? null]))
        .digest('hex'));
    },
  };
}

/**
 * Start a process from a spec. An isolated directory is created now and removed when it exits.
 * The `initialize` request goes to stdin before anything else, so the first turn already runs with
 * it; its answer is checked by the first turn (`CliProcess.startupRequestId`).
 * @throws {@link ClaudeCodeProtocolError} when the `initialize` request cannot be serialised (the
 * process is terminated).
 */
export function spawnFromSpec(spec: LaunchSpec, spawnOptions: SpawnOptions = {}): CliProcess {
  let cwd: string | undefined = spec.cwd === 'isolated' ? undefined : spec.cwd;
  let cleanup: (() => void) | undefined;
  if (spec.cwd === 'isolated') {
    const dir = takeIsolatedDirectory();
    cwd = dir;
    cleanup = () => removeIsolatedDirectory(dir);
  }
  const cli = new CliProcess({
    binary: spec.binary,
    args: spec.args,
    env: spec.env,
    cwd,
    killGraceMs: spec.killGraceMs,
    ...(cleanup ? { onExit: cleanup } : {}),
  });
  // What ended CLIs left in the CLI's temp directory, which every new CLI walks (cli-temp-sweep.ts).
  void sweepCliTemp(spec.env);
  if (spec.initialize && spawnOptions.sendInitialize !== false) {
    const { line, requestId } = controlRequestLine('initialize', { ...spec.initialize });
    if (cli.send(line)) cli.startupRequestId = requestId;
    else if (cli.sendError) {
      // Never run without the settings the caller asked for (e.g. without its system prompt).
      void cli.terminate();
      throw cli.sendError;
    }
    // Otherwise the spawn failed; the process reports that through its exit.
  }
  return cli;
}

/** Resolve and spawn in one step. */
export function launchCli(options: LaunchOptions, target: SessionTarget = {}): CliProcess {
  return spawnFromSpec(resolveLaunchSpec(options, target));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
