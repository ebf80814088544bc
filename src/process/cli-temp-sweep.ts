/**
 * @module
 * Leftovers in the CLI's temporary directory (`$CLAUDE_CODE_TMPDIR`, else the temp dir, then
 * `claude-<uid>`). A CLI process ended early leaves things there, and the wrapper ends many (spares
 * retired, kept processes evicted, runs aborted): an `fswatch-probe-*` directory when it is killed
 * during its file-watch probe (the first ~0.1-1.5 s), and a folder per working directory, so one
 * per isolated run directory (`-tmp-claude-code-wrapper-run-*`). The CLI never removes them, and
 * every CLI process walks the whole directory ~6-7 s after it starts: with the ~3,000 leftovers a
 * day of tests left here, that walk cost each process 0.1-0.4 CPU-s.
 *
 * {@link sweepCliTemp} removes what is certainly dead: probe directories older than a minute (a
 * probe lasts at most 1.5 s) and the folders of isolated run directories that no longer exist. It
 * runs in the background after a spawn, at most once a minute per directory, and never throws.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFolderName } from './cli-folder-name.js';
import { ISOLATED_ROOT } from './isolated-directory.js';

/** Leftovers younger than this are left alone. @unit milliseconds */
const MIN_AGE_MS = 60_000;

/** When each directory was last swept. */
const lastSweep = new Map<string, number>();

/** The CLI's temporary directory for a process started with `env`, or undefined without a uid. */
export function cliTempDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  return join(env['CLAUDE_CODE_TMPDIR'] || env['TMPDIR'] || tmpdir(), `claude-${uid}`);
}

/**
 * Remove dead leftovers from the CLI's temporary directory for `env` (see the module comment), at
 * most once per `everyMs`. Resolves with how many entries were removed; never rejects.
 */
export async function sweepCliTemp(
  env: Readonly<Record<string, string | undefined>>,
  { now = Date.now(), everyMs = MIN_AGE_MS }: { now?: number; everyMs?: number } = {},
): Promise<number> {
  const dir = cliTempDirectory(env);
  if (dir === undefined || now - (lastSweep.get(dir) ?? -Infinity) < everyMs) return 0;
  lastSweep.set(dir, now);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const runPrefix = projectFolderName(join(ISOLATED_ROOT, 'run-'));
  let removed = 0;
  for (const name of names) {
    const dead =
      name.startsWith('fswatch-probe-') ||
      (name.startsWith(runPrefix) && !existsSync(join(ISOLATED_ROOT, `run-${name.slice(runPrefix.length)}`)));
    if (!dead) continue;
    const path = join(dir, name);
    try {
      if (now - (await stat(path)).mtimeMs < MIN_AGE_MS) continue;
      await rm(path, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Gone already, or not ours to remove: left as it is.
    }
  }
  return removed;
}
