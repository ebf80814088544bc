/**
 * @module
 * Fresh empty working directories for CLI processes that must not see the host's files (the
 * proxy's default for remote callers). One directory is made ahead of time, after a spawn and off
 * the request path, so the next spawn does not wait for `mkdir` (~0.1 ms on a small VM).
 */
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Root of the per-process directories. */
export const ISOLATED_ROOT = join(tmpdir(), 'claude-code-wrapper');

/**
 * A spare older than this is not trusted (a temp cleaner may have removed it while the process was
 * idle): it is dropped and a new directory made on the spot.
 */
const SPARE_MAX_AGE_MS = 60_000;

let spare: { readonly path: string; readonly madeAt: number } | undefined;
let spareScheduled = false;
let exitHookInstalled = false;

/** A fresh empty directory under {@link ISOLATED_ROOT}, never handed out twice. */
export function takeIsolatedDirectory(): string {
  const ready = spare;
  spare = undefined;
  let path: string;
  if (ready && Date.now() - ready.madeAt < SPARE_MAX_AGE_MS) path = ready.path;
  else {
    if (ready) removeIsolatedDirectory(ready.path);
    path = makeDirectory();
  }
  scheduleSpare();
  return path;
}

/**
 * Remove a run's directory in the background (never on the request path). Usually the CLI left it
 * empty, so one `rmdir` does; otherwise the recursive delete.
 */
export function removeIsolatedDirectory(dir: string): void {
  rmdir(dir)
    .catch(() => rm(dir, { recursive: true, force: true, maxRetries: 2 }))
    .catch(() => {});
}

function scheduleSpare(): void {
  if (spareScheduled) return;
  spareScheduled = true;
  setImmediate(() => {
    spareScheduled = false;
    if (spare) return;
    try {
      spare = { path: makeDirectory(), madeAt: Date.now() };
      installExitHook();
    } catch {
      // The next spawn makes its own directory and reports the problem if there is one.
    }
  }).unref();
}

/** An unused spare is removed when the process exits normally. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    if (!spare) return;
    try {
      rmdirSync(spare.path);
    } catch {
      // Already gone.
    }
  });
}

/** Created on first use, and again if something removed the root. */
function makeDirectory(): string {
  try {
    return mkdtempSync(join(ISOLATED_ROOT, 'run-'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(ISOLATED_ROOT, { recursive: true, mode: 0o700 });
    return mkdtempSync(join(ISOLATED_ROOT, 'run-'));
  }
}
