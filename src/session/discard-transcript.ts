/**
 * @module
 * Removes the CLI session transcripts of runs nobody can resume. Every CLI run writes
 * `<config dir>/projects/<working directory, sanitised>/<session id>.jsonl` (~20-40 KB); a run the
 * client aborted, or that failed, never has its session id remembered, so nothing will ever resume
 * it and the file would stay forever. The same goes for the transcript synthesized for that run.
 * And the proxy's runs each have a fresh working directory (`isolateWorkingDirectory`), so each leaves
 * a project folder of its own: once its only transcript is gone and the directory itself was
 * removed, the folder goes too.
 *
 * Only files named by session id are removed: transcripts of conversations that can still be
 * resumed are never touched, and a project folder is removed only when nothing but empty
 * folders (the CLI's `memory/`) is left in it.
 *
 * Next to a transcript the CLI keeps a folder of files for the session (`<session id>/`): among them
 * `tool-results/mcp-<server>-blob-…`, the images an MCP server's tool results carried (the client
 * tools' images, saved once per result). The transcript holds those images inline, so a resume never
 * reads the files: {@link discardToolResultBlobs} removes them once the run is over.
 */
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { projectFolderName } from '../process/cli-folder-name.js';
import { ISOLATED_ROOT } from '../process/isolated-directory.js';
import { cliProjectsDir } from './synthesize-transcript.js';

/** Working directories made for isolated runs start with this. */
const ISOLATED_PREFIX = join(ISOLATED_ROOT, 'run-');

/** The transcripts of one unfinished run. */
export interface DiscardTranscriptOptions {
  /** The CLI's environment, to find its config directory. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The run's own session (a new one, or the fork of a resumed one). */
  readonly sessionId?: string | undefined;
  /** The run's working directory, as the CLI reported it. */
  readonly cwd?: string | undefined;
  /** The synthesized session the run was resumed from, if any. */
  readonly synthesizedSessionId?: string | undefined;
}

export { projectFolderName } from '../process/cli-folder-name.js';

/** Remove what an unfinished run left behind. Never throws; missing files are fine. */
export async function discardTranscripts({
  env,
  sessionId,
  cwd,
  synthesizedSessionId,
}: DiscardTranscriptOptions): Promise<void> {
  const projects = cliProjectsDir(env);
  const removals: Promise<unknown>[] = [];
  if (synthesizedSessionId && isSessionId(synthesizedSessionId)) {
    removals.push(
      removeFile(join(projects, '-claude-code-wrapper-synthetic', `${synthesizedSessionId}.jsonl`)),
    );
  }
  if (sessionId && isSessionId(sessionId) && cwd) {
    const folder = join(projects, projectFolderName(cwd));
    removals.push(
      Promise.all([
        removeFile(join(folder, `${sessionId}.jsonl`)),
        rm(join(folder, sessionId), { recursive: true, force: true }),
      ]).then(async () => {
        if (cwd.startsWith(ISOLATED_PREFIX) && !(await exists(cwd))) await removeIfEmpty(folder);
      }),
    );
  }
  await Promise.all(removals.map((removal) => removal.catch(() => undefined)));
}

/** What {@link discardToolResultBlobs} looks for. */
export interface DiscardToolResultBlobsOptions {
  /** The CLI's environment, to find its config directory. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sessionId: string | undefined;
  /** The run's working directory, as the CLI reported it. */
  readonly cwd: string | undefined;
  /** The MCP server whose results' blobs go (the CLI names them `mcp-<server>-blob-…`). */
  readonly server: string;
}

/**
 * Remove the blobs (images) the CLI saved for `server`'s tool results in a session that may still be
 * resumed, and the folders that leaves empty. Never throws; missing files are fine.
 */
export async function discardToolResultBlobs({
  env,
  sessionId,
  cwd,
  server,
}: DiscardToolResultBlobsOptions): Promise<void> {
  if (!sessionId || !isSessionId(sessionId) || !cwd) return;
  const sessionDir = join(cliProjectsDir(env), projectFolderName(cwd), sessionId);
  const dir = join(sessionDir, 'tool-results');
  const prefix = `mcp-${server}-blob-`;
  try {
    const names = await readdir(dir);
    await Promise.all(
      names.filter((name) => name.startsWith(prefix)).map((name) => removeFile(join(dir, name))),
    );
    await rmdir(dir);
    await rmdir(sessionDir);
  } catch {
    // Nothing saved, or other files of the session are still there.
  }
}

/** Session ids are UUIDs; anything else never names a file here. */
function isSessionId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Remove `folder` if it holds only empty folders (the CLI makes `memory/` in each project). */
async function removeIfEmpty(folder: string): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory()) return;
    if ((await readdir(join(folder, entry.name))).length > 0) return;
  }
  for (const entry of entries) await rmdir(join(folder, entry.name));
  await rmdir(folder);
}
