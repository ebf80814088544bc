/**
 * @module
 * Taking a conversation out of a CLI session that a live process will go on writing to. A process
 * kept for a conversation can be rewound (`rewind_conversation`) to serve another one: the CLI
 * keeps the session id and appends the next conversation's rows to the same transcript, chained
 * from nothing, and from then on `--resume <session> --resume-session-at <earlier message>` fails
 * ("No message found": the CLI 2.1.330 only resumes along the chain of the transcript's last row).
 * So before the rewind, the rows this process wrote for the conversation (everything from where its
 * conversation started: the file's start, or its length at the previous rewind) are read, and then
 * written as a session of their own that resumes exactly as the original would have (same rows,
 * same uuids, only `sessionId` changed). The CLI writes nothing for a rewind, so the next
 * conversation's rows start at the length read here.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { projectFolderName } from './discard-transcript.js';

/** The rows of one conversation in a session file, read before its process is rewound. */
export interface ConversationRows {
  /** The uuid of the conversation's first user message: the rewind goes back to before it. */
  readonly firstMessage: string;
  /** The file's length when read: where the next conversation's rows will start. @unit bytes */
  readonly end: number;
  /** The rows, as the CLI wrote them. */
  readonly lines: readonly string[];
}

interface Row {
  readonly uuid?: unknown;
  readonly parentUuid?: unknown;
  readonly type?: unknown;
  readonly sessionId?: unknown;
}

/** Where the CLI writes session `sessionId` of a process working in `cwd`. */
export function sessionTranscriptPath(projectsDir: string, cwd: string, sessionId: string): string {
  return join(projectsDir, projectFolderName(cwd), `${sessionId}.jsonl`);
}

/**
 * The rows of the conversation that ends at `atMessage`, from byte `start` of the transcript at
 * `path` to its end; undefined when they do not hold that message (not written yet, or the file is
 * gone) or its chain does not start with a user message. Never rejects.
 */
export async function readConversationRows(
  path: string,
  start: number,
  atMessage: string,
): Promise<ConversationRows | undefined> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch {
    return undefined;
  }
  if (start > content.length) return undefined;
  const lines = content
    .subarray(start)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const byUuid = new Map<string, Row>();
  for (const line of lines) {
    const row = parseRow(line);
    if (typeof row?.uuid === 'string') byUuid.set(row.uuid, row);
  }
  let row = byUuid.get(atMessage);
  if (row === undefined) return undefined;
  // Up the chain to its first row; a parent outside these rows would be another conversation's.
  for (let steps = 0; typeof row.parentUuid === 'string' && steps < byUuid.size; steps += 1) {
    const parent = byUuid.get(row.parentUuid);
    if (parent === undefined) return undefined;
    row = parent;
  }
  if (row.type !== 'user' || typeof row.uuid !== 'string') return undefined;
  return { firstMessage: row.uuid, end: content.length, lines };
}

/**
 * Write `rows` (of session `fromSession`, whose transcript is at `path`) as the transcript of
 * session `toSession`, next to it. Rejects when the file cannot be written.
 */
export async function writeConversationCopy(
  path: string,
  rows: ConversationRows,
  fromSession: string,
  toSession: string,
): Promise<string> {
  const lines = rows.lines.map((line) => {
    const row = parseRow(line);
    return row?.sessionId === fromSession ? JSON.stringify({ ...row, sessionId: toSession }) : line;
  });
  const target = join(dirname(path), `${toSession}.jsonl`);
  await writeFile(target, `${lines.join('\n')}\n`, { mode: 0o600 });
  return target;
}

function parseRow(line: string): Row | undefined {
  try {
    const row: unknown = JSON.parse(line);
    return typeof row === 'object' && row !== null ? (row as Row) : undefined;
  } catch {
    return undefined;
  }
}
