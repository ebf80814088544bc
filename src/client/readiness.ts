/**
 * @module
 * A health report as one line for the person who started the server: what will not work and how to
 * fix it, or that everything is in place. `serve` prints it right after "listening".
 */
import { TESTED_CLI_RANGE } from '../process/cli-version.js';
import type { CredentialSource, HealthReport } from './health-check.js';

const CREDENTIAL_NAMES: Record<CredentialSource, string> = {
  ANTHROPIC_API_KEY: 'ANTHROPIC_API_KEY',
  ANTHROPIC_AUTH_TOKEN: 'ANTHROPIC_AUTH_TOKEN',
  CLAUDE_CODE_OAUTH_TOKEN: 'CLAUDE_CODE_OAUTH_TOKEN',
  'credentials-file': 'the Claude login in ~/.claude',
  'cloud-provider': 'Bedrock/Vertex',
  none: 'none',
};

/**
 * One line: `Not ready, requests will fail: ...`, `Ready, but ...` (a warning only), or `Ready: ...`.
 * @example
 * ```ts
 * console.error(readinessLine(await healthCheck()));
 * // Not ready, requests will fail: no Claude Code CLI (npm install @anthropic-ai/claude-code, or set CLAUDE_BINARY).
 * ```
 */
export function readinessLine(report: HealthReport, platform: NodeJS.Platform = process.platform): string {
  const { binary, credentials } = report;
  const failing: string[] = [];
  if (!binary.found) {
    // A configured path that is wrong says so (the message comes from find-binary).
    const wrongPath = /not found at (\S+) \(from /.exec(binary.error ?? '')?.[1];
    failing.push(
      wrongPath
        ? `no Claude Code CLI at ${wrongPath} (set by claudeBinary / CLAUDE_BINARY)`
        : 'no Claude Code CLI (npm install @anthropic-ai/claude-code, or set CLAUDE_BINARY)',
    );
  } else if (binary.error)
    failing.push(`the Claude Code CLI at ${binary.path ?? '?'} does not run (${firstLine(binary.error)})`);
  if (!credentials.configured) {
    // Claude Code keeps a macOS login in the Keychain, where the cheap check cannot look.
    const keychain =
      platform === 'darwin' ? '; a Keychain login is checked by `claude-wrapper health --deep`' : '';
    failing.push(
      `no Claude login or API key (run \`claude\` and /login, or set ANTHROPIC_API_KEY${keychain})`,
    );
  }
  if (report.deep && !report.deep.ok)
    failing.push(firstLine(report.problems.at(-1) ?? report.deep.outcome).replace(/\.$/, ''));
  const outOfRange =
    binary.tested === false
      ? `Claude Code ${binary.version ?? ''} is outside the tested range ${TESTED_CLI_RANGE}`
      : undefined;
  const credentialsFrom = `credentials: ${CREDENTIAL_NAMES[credentials.source]}`;
  if (failing.length > 0) {
    return `Not ready, requests will fail: ${failing.join('; ')}.${outOfRange ? ` Also, ${outOfRange}.` : ''}`;
  }
  if (outOfRange)
    return `Ready, but ${outOfRange} (it may still work); CLI at ${binary.path ?? '?'}, ${credentialsFrom}.`;
  return `Ready: Claude Code ${binary.version ?? '(version unknown)'} at ${binary.path ?? '?'}, ${credentialsFrom}.`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}
