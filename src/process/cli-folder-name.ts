/**
 * @module
 * The CLI's name for a working directory in its own folders (`~/.claude/projects/<name>/` for
 * session transcripts, `<temp>/claude-<uid>/<name>/` for a session's temporary files).
 */

/** The CLI's folder name for a working directory: every character but letters and digits becomes `-`. */
export function projectFolderName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}
