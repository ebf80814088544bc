/** Types for `build.mjs`: build dist/ from src/, or only when the sources changed since the last build. */

/** The repository root. */
export declare const ROOT: string;
/** Marks the last successful build (relative to the root); its date is when that build started. */
export declare const STAMP: string;
/** Why `root` needs a build, or `undefined` when dist/ is current (or there is no src/ to build). */
export declare function staleReason(root: string): string | undefined;
/** Compile with tsc and stamp the result; returns tsc's exit code. */
export declare function build(root: string): number;
/** Build when stale (or always, without `ifStale`); returns the exit code (0 when nothing to do). */
export declare function buildIfNeeded(root: string, options: { ifStale: boolean }): number;
