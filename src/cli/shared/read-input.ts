/**
 * @module
 * Prompts from the command line or, with `-`, from stdin, so `cat question.txt | claude-wrapper ask -`
 * works as in other Unix tools.
 */
import { readFile } from 'node:fs/promises';
import { CliUsageError } from '../exit-codes.js';

/** Read all of stdin as UTF-8. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The prompt from the words given on the command line, or stdin when the only word is `-`.
 * @throws {@link CliUsageError} when the prompt is empty.
 */
export async function readPrompt(words: readonly string[]): Promise<string> {
  const fromStdin = words.length === 1 && words[0] === '-';
  if (fromStdin && process.stdin.isTTY) {
    process.stderr.write('Reading the prompt from stdin; end it with Ctrl-D.\n');
  }
  const text = fromStdin ? await readStdin() : words.join(' ');
  // A trailing newline from `echo` or a heredoc is not part of the question.
  const prompt = text.replace(/\s+$/, '');
  if (prompt.trim() === '') {
    throw new CliUsageError(fromStdin ? 'the prompt read from stdin is empty' : 'the prompt is empty');
  }
  return prompt;
}

/**
 * Read and parse a JSON file given on the command line.
 * @param flag The flag that named the file, for the error message.
 * @throws {@link CliUsageError} when the file is missing or not JSON.
 */
export async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`${flag}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliUsageError(`${flag}: ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
