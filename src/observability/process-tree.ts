/**
 * @module
 * Memory and CPU of a process and all its descendants, read from `/proc` (Linux). The proxy's own
 * RSS says little: each CLI child it keeps (warm pool, kept conversations) holds ~170-230 MB and
 * every start-up costs ~0.8 CPU-s, so health, metrics and benchmarks report the whole tree.
 *
 * CPU is exact for the tree's lifetime: a live process's `cutime`/`cstime` hold the CPU of the
 * children it has reaped, so CLIs that already exited are counted through their parent. RSS counts
 * pages shared between processes (the CLI binary's code) once per process; PSS splits them, so the
 * sum of PSS is what the tree really occupies (read from `smaps_rollup`, omitted when unreadable).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Resource use of a process tree at one moment. */
export interface ProcessTreeUsage {
  /** Live processes in the tree, the root included. */
  readonly processes: number;
  /** Sum of resident set sizes. @unit bytes */
  readonly rssBytes: number;
  /** Sum of proportional set sizes (shared pages split between their users); undefined when unreadable. @unit bytes */
  readonly pssBytes: number | undefined;
  /** CPU used by the tree since the root started, exited descendants included. @unit seconds */
  readonly cpuSeconds: number;
}

/** Kernel clock ticks per second in `/proc/<pid>/stat` (USER_HZ: 100 on every Linux ABI). */
const TICKS_PER_SECOND = 100;

interface StatLine {
  readonly ppid: number;
  readonly cpuTicks: number;
}

/**
 * Usage of `rootPid` and every live descendant; undefined where `/proc` is unavailable (not Linux)
 * or the root is gone. Reads two small files per process (plus `smaps_rollup` with `pss`).
 */
export function processTreeUsage(
  rootPid: number = process.pid,
  { pss = true }: { readonly pss?: boolean } = {},
): ProcessTreeUsage | undefined {
  const stats = new Map<number, StatLine>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  if (!stats.has(rootPid)) return undefined;
  const tree = descendantsOf(rootPid, stats);
  let rssBytes = 0;
  let pssBytes: number | undefined = pss ? 0 : undefined;
  let ticks = 0;
  for (const pid of tree) {
    ticks += stats.get(pid)?.cpuTicks ?? 0;
    rssBytes += statusKilobytes(pid, 'VmRSS') * 1024;
    if (pssBytes !== undefined) {
      const value = smapsKilobytes(pid, 'Pss');
      pssBytes = value === undefined ? undefined : pssBytes + value * 1024;
    }
  }
  return { processes: tree.length, rssBytes, pssBytes, cpuSeconds: ticks / TICKS_PER_SECOND };
}

/** `rootPid` and all its descendants (breadth first). */
function descendantsOf(rootPid: number, stats: ReadonlyMap<number, StatLine>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(children.get(tree[i] ?? -1) ?? []));
  return tree;
}

/** Parent pid and utime+stime+cutime+cstime from `/proc/<pid>/stat`; undefined if it vanished. */
function readStat(pid: number): StatLine | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14-17.
  const ppid = Number(fields[1]);
  const cpuTicks = [11, 12, 13, 14].reduce((sum, i) => sum + (Number(fields[i]) || 0), 0);
  return Number.isFinite(ppid) ? { ppid, cpuTicks } : undefined;
}

function statusKilobytes(pid: number, field: string): number {
  return kilobytesIn(`/proc/${pid}/status`, field) ?? 0;
}

function smapsKilobytes(pid: number, field: string): number | undefined {
  return kilobytesIn(`/proc/${pid}/smaps_rollup`, field);
}

/** The `Field:   1234 kB` value of a `/proc` file, or undefined. */
function kilobytesIn(path: string, field: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
