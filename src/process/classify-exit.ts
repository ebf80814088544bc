/**
 * @module
 * The one factory that turns a CLI exit without a result into the right error class, like the
 * Anthropic SDK's `APIError.generate()`. Known stderr messages map to specific, actionable errors.
 */
import {
  ClaudeCodeConfigurationError,
  ClaudeCodeProcessError,
  ClaudeCodeProtocolError,
  ClaudeCodeSessionInUseError,
  ClaudeCodeSessionNotFoundError,
  type ClaudeCodeError,
} from '../core/errors/index.js';
import type { ClaudeCodeResponse } from '../core/response.js';

/** What is known about a process that ended without a `result` line. */
export interface ExitFacts {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;
  /** Lines of stdout that were not JSON (kept for the error message). */
  readonly unparsedLines: readonly string[];
  /** Whether any valid message had been received. */
  readonly sawOutput: boolean;
}

/** Map an exit to an error. */
export function errorFromExit(facts: ExitFacts): ClaudeCodeError {
  const stderr = facts.stderrTail;
  const context = { exitCode: facts.exitCode, signal: facts.signal, stderrTail: stderr.slice(-2000) };
  const session = sessionError(stderr, context);
  if (session) return session;
  if (/cannot be used with root\/sudo privileges/i.test(stderr)) {
    return new ClaudeCodeConfigurationError(
      'The CLI refuses bypassPermissions / --dangerously-skip-permissions as root. Run as a normal user, or, only inside a sandbox or container, set env: { IS_SANDBOX: "1" }.',
      { context },
    );
  }
  const unknownOption = /error: unknown option '([^']+)'/i.exec(stderr);
  if (unknownOption?.[1]) {
    return new ClaudeCodeConfigurationError(
      `The installed Claude Code CLI does not support ${unknownOption[1]}; upgrade it (npm install -g @anthropic-ai/claude-code) or drop the option.`,
      { context },
    );
  }
  if (facts.unparsedLines.length > 0 && !facts.sawOutput) {
    return new ClaudeCodeProtocolError(
      `The CLI printed output that is not stream-json: ${JSON.stringify(facts.unparsedLines[0]?.slice(0, 200))}. Is claudeBinary really the Claude Code CLI?`,
      { context: { ...context, unparsedLines: facts.unparsedLines.slice(0, 5) } },
    );
  }
  return new ClaudeCodeProcessError('Claude Code CLI exited without a result', facts, { context });
}

/**
 * The session error a failed `result` line reports, else undefined: CLI 2.1.330 answers an unknown
 * `--resume` id with a result line (`error_during_execution`, the message in `errors`) before it
 * exits, so the run ends there rather than at the exit that {@link errorFromExit} reads.
 */
export function sessionErrorFromResult(response: ClaudeCodeResponse): ClaudeCodeError | undefined {
  if (!response.isError) return undefined;
  return sessionError(response.errors.join('\n'), { errorSubtype: response.errorSubtype });
}

/** The session error `text` names (unknown session, session in use), else undefined. */
function sessionError(text: string, context: Record<string, unknown>): ClaudeCodeError | undefined {
  const notFound = /No conversation found with session ID:?\s*([\w-]+)/i.exec(text);
  if (notFound?.[1]) return new ClaudeCodeSessionNotFoundError(notFound[1], { context });
  // The session is there, but not the message to resume at (an older copy of its transcript).
  const noMessage = /No message found with message\.uuid of:?\s*([\w-]+)/i.exec(text);
  if (noMessage?.[1]) return new ClaudeCodeSessionNotFoundError('', { context, atMessage: noMessage[1] });
  const inUse = /Session ID ([\w-]+) is already in use/i.exec(text);
  if (inUse?.[1]) return new ClaudeCodeSessionInUseError(inUse[1], { context });
  return undefined;
}
