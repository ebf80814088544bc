/**
 * @module
 * Resident memory of a CLI process, for the memory budget of kept processes.
 */
import { readFileSync } from 'node:fs';

/**
 * What a parked CLI holds when it cannot be measured (not Linux): a parked Claude Code 2.1.330
 * process measured ~230-260 MB on Linux. @unit bytes
 */
export const ESTIMATED_CLI_BYTES = 256 * 1024 * 1024;

/**
 * Resident set size of `pid` (`VmRSS` in `/proc/<pid>/status`, Linux), or undefined when it cannot
 * be read (another OS, or the process is gone). A synchronous read of a ~1 KB pseudo-file.
 * @returns bytes
 */
export function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
