/**
 * @module
 * Every live CLI child, so that none outlives the host process on a normal exit or a fatal signal.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

/** Track a child until it exits. */
export function registerChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    // 'exit' handlers must be synchronous: a plain SIGKILL to each process group is all we can do.
    process.once('exit', killAllNow);
  }
}

/** Number of CLI processes currently alive (for tests and health checks). */
export function liveChildCount(): number {
  return live.size;
}

/** Kill every tracked child immediately (SIGKILL to its process group). */
export function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
}

/**
 * Send a signal to the child's process group (it is spawned detached, so it leads its own group and
 * grandchildren such as the `git` helpers the CLI starts die with it). Falls back to the child alone.
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
