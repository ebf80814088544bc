/**
 * @module
 * Which Claude Code CLI versions this package is tested with. The same range is the optional peer
 * dependency on `@anthropic-ai/claude-code` in package.json (a test keeps the two equal), so npm
 * checks a project's CLI against it at install time and the health check at run time.
 */

/**
 * The tested range, in npm's syntax. The test suite runs the devDependency's exact version
 * (2.1.330); the range starts at its minor release and stops before the next major one, which may
 * change the stream-json protocol this package speaks.
 */
export const TESTED_CLI_RANGE = '>=2.1.0 <3.0.0';

type Version = readonly [number, number, number];

const BOUNDS = /^>=(\d+\.\d+\.\d+) <(\d+\.\d+\.\d+)$/.exec(TESTED_CLI_RANGE);

/**
 * Whether `version` (as `claude --version` prints it, e.g. `2.1.330 (Claude Code)`) is in
 * {@link TESTED_CLI_RANGE}; `undefined` when it is not a version number at all.
 */
export function isTestedCliVersion(version: string): boolean | undefined {
  const parsed = parseVersion(version);
  const min = parseVersion(BOUNDS?.[1] ?? '');
  const below = parseVersion(BOUNDS?.[2] ?? '');
  if (!parsed || !min || !below) return undefined;
  return compare(parsed, min) >= 0 && compare(parsed, below) < 0;
}

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
