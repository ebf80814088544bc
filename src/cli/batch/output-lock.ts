/**
 * @module
 * One batch per output file at a time: two processes appending to the same file would run items
 * twice. The lock is `<output>.lock` holding the owner's pid; a lock whose process is gone (after a
 * crash or SIGKILL) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CliUsageError } from '../exit-codes.js';

/** A held lock; `release()` removes it. */
export interface OutputLock {
  release(): void;
}

/**
 * Take the lock for `output`.
 * @throws {@link CliUsageError} when another live process holds it.
 */
export function lockOutput(output: string): OutputLock {
  const path = `${output}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readOwner(path));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new CliUsageError(
          `another batch (pid ${owner}) is writing to ${output}; remove ${path} if it is not`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new CliUsageError(`cannot lock ${output}: ${path} keeps reappearing`);
}

function readOwner(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
