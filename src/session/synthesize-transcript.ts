/**
 * @module
 * Gives the CLI a conversation it never had: writes a session transcript (the JSONL the CLI keeps in
 * `<config dir>/projects/<dir>/<session id>.jsonl`) holding the given user and assistant turns, so
 * that `--resume <id> --fork-session` sends them to the API as separate role turns instead of one
 * flattened prompt. Verified with CLI 2.1.330: a transcript of chained `user`/`assistant` lines
 * (uuid → parentUuid) is enough, and `--resume` finds it from any working directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One turn of the conversation, with Messages API content blocks. */
export interface TranscriptTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string | readonly Record<string, unknown>[];
}

/** Where and what to write. */
export interface SynthesizeTranscriptOptions {
  readonly turns: readonly TranscriptTurn[];
  /** The CLI's environment, to find its config directory (`CLAUDE_CONFIG_DIR`, else `$HOME/.claude`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Recorded as the turns' working directory. @default process.cwd() */
  readonly cwd?: string | undefined;
  /** Model recorded on assistant turns. @default 'claude-opus-5-5' */
  readonly model?: string | undefined;
}

/** Directory of the CLI's session transcripts for a given environment. */
export function cliProjectsDir(env: Readonly<Record<string, string | undefined>>): string {
  const configDir = env['CLAUDE_CONFIG_DIR'] ?? join(env['HOME'] ?? homedir(), '.claude');
  return join(configDir, 'projects');
}

/**
 * Write a transcript and return its session id; resume it with `fork: true` so the synthetic session
 * is never appended to. Files live in a project folder of their own (`-claude-code-wrapper-synthetic`).
 */
export function synthesizeTranscript({
  turns,
  env,
  cwd = process.cwd(),
  model = 'claude-opus-5-5',
}: SynthesizeTranscriptOptions): {
  sessionId: string;
  path: string;
} {
  const sessionId = randomUUID();
  const dir = join(cliProjectsDir(env), '-claude-code-wrapper-synthetic');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  sweepOldTranscripts(dir);
  const start = Date.now() - turns.length * 1000;
  let parentUuid: string | null = null;
  const lines = turns.map((turn, index) => {
    const uuid = randomUUID();
    const content = typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : turn.content;
    const line = {
      parentUuid,
      isSidechain: false,
      type: turn.role,
      uuid,
      timestamp: new Date(start + index * 1000).toISOString(),
      userType: 'external',
      cwd,
      sessionId,
      message:
        turn.role === 'user'
          ? { role: 'user', content }
          : {
              id: `msg_synthetic_${index}`,
              type: 'message',
              role: 'assistant',
              model,
              content,
              stop_reason: 'end_turn',
              stop_sequence: null,
              usage: { input_tokens: 0, output_tokens: 0 },
            },
    };
    parentUuid = uuid;
    return JSON.stringify(line);
  });
  const path = join(dir, `${sessionId}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { sessionId, path };
}

/** When each transcript folder was last swept (see {@link sweepOldTranscripts}). */
const lastSweep = new Map<string, number>();

/**
 * Synthetic transcripts are read once, at the resume that forks them; an hour later they can go.
 * A folder is swept at most once a minute: listing it on every request would cost time that grows
 * with the traffic of the last hour.
 */
function sweepOldTranscripts(dir: string, maxAgeMs = 3_600_000, everyMs = 60_000): void {
  const now = Date.now();
  if (now - (lastSweep.get(dir) ?? -Infinity) < everyMs) return;
  lastSweep.set(dir, now);
  const cutoff = now - maxAgeMs;
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
    }
  } catch {
    // Best effort: a leftover file costs a few kilobytes.
  }
}
