/**
 * @module
 * The batch output file: one JSON record per finished item, appended and flushed to disk the moment
 * the item finishes, so Ctrl-C, a crash or SIGKILL loses nothing that finished. Readers take the
 * last record per id (a `--retry-failed` run appends a newer record after the failed one).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  fstatSync,
  writeSync,
} from 'node:fs';

/** A finished item. */
export interface BatchSuccess {
  readonly id: string;
  readonly ok: true;
  readonly content: string;
  /** With a JSON schema: the parsed structured output. */
  readonly structuredOutput?: unknown;
  readonly sessionId: string;
  readonly model: string | null;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Wall time of the item, spawn to answer. @unit milliseconds */
  readonly durationMs: number;
  readonly finishedAt: string;
}

/** An item that failed (the CLI reported an error, timed out, crashed...). */
export interface BatchFailure {
  readonly id: string;
  readonly ok: false;
  /** `code` is the library's stable error code, e.g. `API_ERROR`, `TIMEOUT`. */
  readonly error: { readonly code: string; readonly message: string };
  readonly costUsd: number;
  readonly durationMs: number;
  readonly finishedAt: string;
}

/** One line of the output file. */
export type BatchRecord = BatchSuccess | BatchFailure;

/** What an existing output file says. */
export interface PreviousResults {
  /** The last record of every id. */
  readonly latest: ReadonlyMap<string, BatchRecord>;
  /** Lines that are not records (e.g. cut short by a power loss); they are ignored. */
  readonly unreadable: number;
}

/** Read an output file; a missing file means no previous results. */
export function readResults(path: string): PreviousResults {
  const latest = new Map<string, BatchRecord>();
  let unreadable = 0;
  if (!existsSync(path)) return { latest, unreadable };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as Partial<BatchRecord>;
      if (typeof record.id === 'string' && typeof record.ok === 'boolean')
        latest.set(record.id, record as BatchRecord);
      else unreadable += 1;
    } catch {
      unreadable += 1;
    }
  }
  return { latest, unreadable };
}

/** Append-only writer for the output file. */
export class ResultsLog {
  readonly #fd: number;

  /** Open (or create) `path` for appending. */
  constructor(path: string) {
    this.#fd = openSync(path, 'a+');
    // A line cut short by a crash must not swallow the next record.
    const size = fstatSync(this.#fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.#fd, last, 0, 1, size - 1);
      if (last.toString() !== '\n') writeSync(this.#fd, '\n');
    }
  }

  /** Write one record as a single line and flush it to disk before returning. */
  append(record: BatchRecord): void {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.#fd);
  }

  /** Close the file. */
  close(): void {
    closeSync(this.#fd);
  }
}
