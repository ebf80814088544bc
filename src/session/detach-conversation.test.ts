import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConversationRows, sessionTranscriptPath, writeConversationCopy } from './detach-conversation.js';

const SESSION = '11111111-1111-4111-8111-111111111111';
const COPY = '22222222-2222-4222-8222-222222222222';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccw-detach-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rows as the CLI writes them: metadata rows without uuid, then a chain of messages. */
function conversation(prefix: string, texts: string[]): string[] {
  const rows: object[] = [{ type: 'queue-operation', sessionId: SESSION }];
  let parent: string | null = null;
  texts.forEach((text, i) => {
    const uuid = `${prefix}-${i}`;
    rows.push({
      type: i % 2 === 0 ? 'user' : 'assistant',
      uuid,
      parentUuid: parent,
      sessionId: SESSION,
      message: { content: text },
    });
    parent = uuid;
  });
  rows.push({ type: 'last-prompt', sessionId: SESSION });
  return rows.map((row) => JSON.stringify(row));
}

async function transcript(...parts: string[][]): Promise<{ path: string; offsets: number[] }> {
  const path = join(dir, `${SESSION}.jsonl`);
  const offsets: number[] = [];
  let text = '';
  for (const lines of parts) {
    offsets.push(Buffer.byteLength(text));
    text += lines.map((line) => `${line}\n`).join('');
  }
  await writeFile(path, text);
  return { path, offsets };
}

describe('readConversationRows', () => {
  it('finds the first user message of the conversation ending at the given message', async () => {
    const first = conversation('a', ['one', 'answer one', 'two', 'answer two']);
    const { path } = await transcript(first);
    const rows = await readConversationRows(path, 0, 'a-3');
    expect(rows?.firstMessage).toBe('a-0');
    expect(rows?.lines).toHaveLength(first.length);
    expect(rows?.end).toBe((await readFile(path)).length);
  });

  it('reads the second conversation of a rewound process from where it starts', async () => {
    const second = conversation('b', ['bee', 'answer bee']);
    const { path, offsets } = await transcript(conversation('a', ['one', 'answer one']), second);
    const rows = await readConversationRows(path, offsets[1] ?? 0, 'b-1');
    expect(rows).toMatchObject({ firstMessage: 'b-0', lines: second });
    // The first conversation's message is not among the second one's rows.
    expect(await readConversationRows(path, offsets[1] ?? 0, 'a-1')).toBeUndefined();
  });

  it('gives up on a missing message, a chain leading outside the rows, a chain not starting with a user message, or no file', async () => {
    const { path, offsets } = await transcript(
      conversation('a', ['one', 'answer one']),
      conversation('b', ['bee', 'answer bee']),
    );
    expect(await readConversationRows(path, 0, 'nope')).toBeUndefined();
    const detached = [
      JSON.stringify({ type: 'assistant', uuid: 'c-1', parentUuid: 'a-1', sessionId: SESSION }),
    ];
    const orphan = await transcript(conversation('a', ['one', 'answer one']), detached);
    expect(await readConversationRows(orphan.path, orphan.offsets[1] ?? 0, 'c-1')).toBeUndefined();
    const rootless = await transcript([
      JSON.stringify({ type: 'attachment', uuid: 'r-0', parentUuid: null, sessionId: SESSION }),
      JSON.stringify({ type: 'assistant', uuid: 'r-1', parentUuid: 'r-0', sessionId: SESSION }),
    ]);
    expect(await readConversationRows(rootless.path, 0, 'r-1')).toBeUndefined();
    expect(await readConversationRows(join(dir, 'missing.jsonl'), 0, 'a-1')).toBeUndefined();
    expect(await readConversationRows(path, (offsets[1] ?? 0) * 100, 'b-1')).toBeUndefined();
  });
});

describe('writeConversationCopy', () => {
  it('writes the rows as another session next to the original: only sessionId changes', async () => {
    const lines = conversation('a', [`mentions ${SESSION} in its text`, 'answer']);
    const { path } = await transcript(lines);
    const rows = await readConversationRows(path, 0, 'a-1');
    expect(rows).toBeDefined();
    const copy = await writeConversationCopy(path, rows!, SESSION, COPY);
    expect(copy).toBe(join(dir, `${COPY}.jsonl`));
    const copied = (await readFile(copy, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const original = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(copied).toEqual(original.map((row) => ({ ...row, sessionId: COPY })));
    // The caller's text naming the old id is left as it was.
    expect(JSON.stringify(copied[1])).toContain(`mentions ${SESSION}`);
  });
});

describe('sessionTranscriptPath', () => {
  it('is where the CLI writes a session for a working directory', () => {
    expect(sessionTranscriptPath('/h/.claude/projects', '/tmp/run-1', SESSION)).toBe(
      `/h/.claude/projects/-tmp-run-1/${SESSION}.jsonl`,
    );
  });
});
