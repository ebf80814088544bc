/**
 * @module
 * Make a CLI child die with the host, even when the host is SIGKILLed. On Linux the child is started
 * through util-linux `setpriv --pdeathsig SIGKILL`, which sets the kernel's parent-death signal and
 * then execs the CLI (same pid, ~1 ms). Elsewhere, or without setpriv, children still exit when
 * their stdin closes, which happens when the host dies, once their current turn is done.
 */
import { accessSync, constants } from 'node:fs';

let setprivPath: string | null | undefined;

function findSetpriv(): string | null {
  if (process.platform !== 'linux') return null;
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Try the next one.
    }
  }
  return null;
}

/** The command and argv that start `binary` so that it dies with this process, when supported. */
export function withParentDeathSignal(
  binary: string,
  args: readonly string[],
): { command: string; args: string[] } {
  setprivPath ??= findSetpriv();
  if (!setprivPath) return { command: binary, args: [...args] };
  return { command: setprivPath, args: ['--pdeathsig', 'SIGKILL', '--', binary, ...args] };
}
