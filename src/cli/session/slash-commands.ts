/**
 * @module
 * The chat's slash commands, shared by the interactive REPL and piped input:
 * `/exit`, `/history`, `/cost`, `/new`, `/save <file>`, `/help`.
 */
import { writeFile } from 'node:fs/promises';
import type { SessionHistoryEntry } from '../../client/session.js';
import { formatUsd } from '../shared/format.js';
import type { Chat } from './chat.js';

/** What the loop should do after a command. */
export type CommandOutcome = 'continue' | 'exit';

/** Help text listing the commands. */
export const SLASH_HELP = `Commands:
  /exit          end the chat (also Ctrl-D)
  /history       show this conversation
  /cost          cost and tokens so far
  /new           start a new conversation
  /save <file>   save the conversation (.md for Markdown, otherwise JSON)
  /help          this list`;

/** True when a line is a command rather than a prompt. */
export function isSlashCommand(line: string): boolean {
  return /^\/[a-z]/i.test(line);
}

/**
 * Run one slash command, printing its output with `print`.
 * Unknown commands print a hint rather than being sent to Claude.
 */
export async function runSlashCommand(
  line: string,
  chat: Chat,
  print: (text: string) => void,
): Promise<CommandOutcome> {
  const [name = '', ...rest] = line.trim().split(/\s+/);
  const argument = rest.join(' ');
  switch (name.toLowerCase()) {
    case '/exit':
    case '/quit':
      return 'exit';
    case '/history':
      print(formatHistory(chat.history()) || '(no turns yet)');
      return 'continue';
    case '/cost':
      print(formatCost(chat));
      return 'continue';
    case '/new':
      await chat.reset();
      print('(new conversation)');
      return 'continue';
    case '/save':
      if (!argument) print('usage: /save <file>');
      else {
        await writeFile(argument, formatSaved(chat, argument));
        print(`saved ${chat.history().length} entries to ${argument}`);
      }
      return 'continue';
    case '/help':
      print(SLASH_HELP);
      return 'continue';
    default:
      print(`unknown command ${name}; /help lists the commands`);
      return 'continue';
  }
}

function formatHistory(history: readonly SessionHistoryEntry[]): string {
  return history
    .map((entry) => `${entry.role === 'user' ? 'you' : 'claude'}: ${textOf(entry.content)}`)
    .join('\n');
}

function formatCost(chat: Chat): string {
  const { current, all } = chat;
  const line =
    `cost: ${formatUsd(current.costUsd)} over ${current.turns} turn${current.turns === 1 ? '' : 's'}` +
    ` (tokens: ${current.inputTokens} in, ${current.outputTokens} out)` +
    (chat.sessionId ? ` · session ${chat.sessionId}` : '');
  return all.turns === current.turns
    ? line
    : `${line}\ntotal since start: ${formatUsd(all.costUsd)} over ${all.turns} turns`;
}

function formatSaved(chat: Chat, file: string): string {
  const history = chat.history();
  if (/\.(md|markdown)$/i.test(file)) {
    const body = history
      .map((entry) => `## ${entry.role === 'user' ? 'You' : 'Claude'}\n\n${textOf(entry.content)}\n`)
      .join('\n');
    return `# Claude chat${chat.sessionId ? ` (session ${chat.sessionId})` : ''}\n\n${body}`;
  }
  const turns = history.map((entry) => ({
    role: entry.role,
    content: textOf(entry.content),
    timestamp: entry.timestamp,
    ...(entry.role === 'assistant' ? { costUsd: entry.response.metrics.costUsd } : {}),
  }));
  const saved = {
    sessionId: chat.sessionId ?? null,
    savedAt: new Date().toISOString(),
    costUsd: chat.current.costUsd,
    turns,
  };
  return `${JSON.stringify(saved, null, 2)}\n`;
}

// Prompts may be content blocks; the chat only sends text, but be safe for resumed history.
function textOf(content: SessionHistoryEntry['content']): string {
  if (typeof content === 'string') return content;
  return content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('');
}
