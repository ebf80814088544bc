/**
 * @module
 * Isolated, empty working directories for remote requests, so a CLI run never sees the server's
 * own files. Session transcripts live in the CLI's HOME, and `--resume` finds them from any
 * directory, so isolation does not break conversation continuation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

/** Creates and removes per-request directories under one root. */
export class RequestWorkspaces {
  readonly root: string;

  constructor(root = join(tmpdir(), 'claude-code-wrapper')) {
    this.root = root;
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  /** A new empty directory; call the returned `release` when the run is over. */
  async create(): Promise<{ path: string; release: () => Promise<void> }> {
    const path = await mkdtemp(join(this.root, 'req-'));
    return { path, release: () => rm(path, { recursive: true, force: true }) };
  }
}
