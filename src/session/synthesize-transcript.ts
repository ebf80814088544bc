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

/**
 * One turn of the conversation, with Messages API content blocks. A `system` turn (its text) is
 * written as the CLI writes its own mid-conversation system turns: an `attachment` line with
 * `renderedRole: "system"`, which `--resume` sends to the API as a `role: "system"` message in place.
 */
export interface TranscriptTurn {
  readonly role: 'user' | 'assistant' | 'system';
  readonly content: string | readonly Record<string, unknown>[];
}

/**
 * The system turn written after the first user turn when the history has none there. CLI 2.1.330
 * declares the run's effort (`output_config`) on the system message that follows the first user
 * turn, and sends an empty `{"role":"system","content":[]}` to carry it when the transcript has no
 * system turn there; this one gives it something true to say instead.
 */
export const HISTORY_NOTE =
  "<system-reminder>\nThe turns before the current message are the conversation so far, restored from the client's history.\n</system-reminder>";

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
  const start = Date.now() - turns.length * 1000;
  let parentUuid: string | null = null;
  const lines = withEffortCarrier(turns).map((turn, index) => {
    const uuid = randomUUID();
    const content = typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : turn.content;
    const common = {
      parentUuid,
      isSidechain: false,
      uuid,
      timestamp: new Date(start + index * 1000).toISOString(),
      userType: 'external',
      cwd,
      sessionId,
    };
    parentUuid = uuid;
    if (turn.role === 'system') {
      const text = systemText(turn.content);
      return JSON.stringify({
        ...common,
        type: 'attachment',
        attachment: { type: 'text', text },
        rendered: [{ content: text }],
        renderedRole: 'system',
      });
    }
    return JSON.stringify({
      ...common,
      type: turn.role,
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
    });
  });
  const path = placeTranscript(env, sessionId, `${lines.join('\n')}\n`);
  return { sessionId, path };
}

/**
 * Write a transcript the wrapper made (synthesized here, or copied from another replica by
 * `SharedTranscripts`) where `--resume <sessionId>` finds it: the project folder
 * `-claude-code-wrapper-synthetic` of the CLI's config directory, whose files older than an hour
 * are swept (they are read at the resume that forks them). Returns the file's path.
 */
export function placeTranscript(
  env: Readonly<Record<string, string | undefined>>,
  sessionId: string,
  content: string | Uint8Array,
): string {
  const dir = join(cliProjectsDir(env), '-claude-code-wrapper-synthetic');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  sweepOldTranscripts(dir);
  const path = join(dir, `${sessionId}.jsonl`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

/** The text of a system turn: its text blocks joined by blank lines. */
function systemText(content: TranscriptTurn['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => (typeof block['text'] === 'string' ? block['text'] : ''))
    .filter((text) => text !== '')
    .join('\n\n');
}

/**
 * `turns` with {@link HISTORY_NOTE} before the first assistant turn that follows the first user
 * turns directly (no system turn between them); see there why.
 */
function withEffortCarrier(all: readonly TranscriptTurn[]): readonly TranscriptTurn[] {
  // A blank system turn would reach the API as an empty system message: there is nothing to carry.
  const turns = all.filter((turn) => turn.role !== 'system' || systemText(turn.content).trim() !== '');
  const firstUser = turns.findIndex((turn) => turn.role === 'user');
  if (firstUser === -1) return turns;
  let next = firstUser;
  while (turns[next]?.role === 'user') next += 1;
  if (turns[next]?.role !== 'assistant') return turns;
  return [...turns.slice(0, next), { role: 'system', content: HISTORY_NOTE }, ...turns.slice(next)];
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
