/**
 * @module
 * CLI session transcripts shared by the replicas of a proxy through a store (Redis). The conversation
 * map says which CLI session holds a conversation, but the session itself is a file on the machine
 * that ran it (`<config dir>/projects/<working directory>/<session id>.jsonl`), so another replica
 * could not `--resume` it. After each answer the replica that ran it stores that file (gzip, base64)
 * under the session id; a replica asked to continue a session point it does not hold writes the
 * stored copy into its own CLI's config directory first (next to the synthesized transcripts, see
 * {@link placeTranscript}), and the turn resumes exactly as it would on one server: the same
 * messages, thinking and tool calls the CLI recorded, so the API request (and its prompt cache
 * prefix) is the one the first replica would have sent. Rebuilding the history from the request
 * instead (a synthesized transcript) loses what the client never saw (the CLI's own tool calls,
 * thinking) and changes the request's prefix; it remains the fallback when no copy is stored.
 *
 * The latest upload of a session is a superset of the earlier ones (a CLI process only appends to
 * its session; every resume forks a new one), so one key per session is enough for every point in it.
 * (A process rewound to serve another conversation appends that one to the same session; the
 * conversation it leaves is copied into a session of its own first, see `detach-conversation.ts`.)
 * Failures are reported to `onError` and never fail a request: the next turn is then rebuilt.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { ClaudeCodeStoreUnavailableError } from '../core/errors/index.js';
import type { KeyValueStore } from '../storage/key-value-store.js';
import { encodeSessionPoint, type SessionPoint } from './session-point.js';
import { placeTranscript } from './synthesize-transcript.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** How long a stored transcript is kept. @unit milliseconds */
export const SHARED_TRANSCRIPT_TTL_MS = 24 * 3600 * 1000;

/** Transcripts larger than this (compressed) are not shared; their next turn elsewhere is rebuilt. @unit bytes */
export const MAX_SHARED_TRANSCRIPT_BYTES = 16 * 1024 * 1024;

/**
 * How long a point this server saved or restored counts as present here without asking the store
 * (restored copies are swept after an hour). @unit milliseconds
 */
const LOCAL_TRUST_MS = 30 * 60 * 1000;

/** Points remembered as present here, at most. */
const LOCAL_ENTRIES = 10_000;

/** The CLI's environment: where its config directory is (`CLAUDE_CONFIG_DIR`, else `$HOME/.claude`). */
type CliEnv = Readonly<Record<string, string | undefined>>;

/** What {@link SharedTranscripts.restore} found. */
export type RestoreOutcome =
  /** This server saved or restored the point recently: the file is here. */
  | 'local'
  /** The stored copy was written into this CLI's config directory. */
  | 'restored'
  /** The store has no copy (never shared, expired, or too large): the file may still be here. */
  | 'missing'
  /** The store could not be read. */
  | 'failed';

/** Options of {@link SharedTranscripts}. */
export interface SharedTranscriptsOptions {
  /** How long a stored transcript is kept. @default {@link SHARED_TRANSCRIPT_TTL_MS} @unit milliseconds */
  readonly ttlMs?: number | undefined;
  /** Hears about a transcript that could not be stored or restored (for the server's log). */
  readonly onError?: ((error: unknown, operation: 'save' | 'restore') => void) | undefined;
}

/** See the module comment. */
export class SharedTranscripts {
  readonly #store: KeyValueStore;
  readonly #ttlMs: number;
  readonly #onError: SharedTranscriptsOptions['onError'];
  /** Session points present on this machine (saved or restored by this server) → when. */
  readonly #local = new Map<string, number>();

  /** @param store Where transcripts are kept (a Redis store with its own key prefix). */
  constructor(
    store: KeyValueStore,
    { ttlMs = SHARED_TRANSCRIPT_TTL_MS, onError }: SharedTranscriptsOptions = {},
  ) {
    this.#store = store;
    this.#ttlMs = ttlMs;
    this.#onError = onError;
  }

  /**
   * Store the transcript of the session that just answered at `point`, the CLI's session file at
   * `path`. Resolves once stored (or given up); never rejects.
   * @returns the bytes stored (compressed, before base64), 0 when nothing was.
   */
  async save(point: SessionPoint, path: string): Promise<number> {
    try {
      const content = await readWhenHolding(path, point.atMessage);
      if (content === undefined) return 0;
      const packed = await gzipAsync(content);
      if (packed.length > MAX_SHARED_TRANSCRIPT_BYTES) return 0;
      await this.#store.set(point.sessionId, packed.toString('base64'), this.#ttlMs);
      this.#markLocal(point);
      return packed.length;
    } catch (error) {
      this.#report(error, 'save');
      return 0;
    }
  }

  /**
   * Make `point` resumable here: unless this server holds it already, write the stored copy of its
   * session into this CLI's config directory. Never rejects.
   */
  async restore(point: SessionPoint, env: CliEnv): Promise<RestoreOutcome> {
    const key = encodeSessionPoint(point);
    const seen = this.#local.get(key);
    if (seen !== undefined && Date.now() - seen < LOCAL_TRUST_MS) return 'local';
    let stored: string | undefined;
    try {
      stored = await this.#store.get(point.sessionId);
    } catch (error) {
      this.#report(error, 'restore');
      return 'failed';
    }
    if (stored === undefined) return 'missing';
    try {
      placeTranscript(env, point.sessionId, await gunzipAsync(Buffer.from(stored, 'base64')));
    } catch (error) {
      this.#report(error, 'restore');
      return 'failed';
    }
    this.#markLocal(point);
    return 'restored';
  }

  /** Release the store. */
  close(): Promise<void> {
    return this.#store.close();
  }

  #markLocal(point: SessionPoint): void {
    const key = encodeSessionPoint(point);
    this.#local.delete(key);
    this.#local.set(key, Date.now());
    while (this.#local.size > LOCAL_ENTRIES) {
      const oldest = this.#local.keys().next().value;
      if (oldest === undefined) break;
      this.#local.delete(oldest);
    }
  }

  #report(error: unknown, operation: 'save' | 'restore'): void {
    // The store reports its own outages, once each.
    if (error instanceof ClaudeCodeStoreUnavailableError) return;
    try {
      this.#onError?.(error, operation);
    } catch {
      // A reporting callback must not change the outcome.
    }
  }
}

/** How often, and how far apart, {@link readWhenHolding} looks again for the answer's message. */
const READ_TRIES = 5;
const READ_INTERVAL_MS = 20;

/**
 * The transcript once it holds `atMessage` (the CLI appends the answer's row as it streams it; the
 * result line may come a moment before the write lands), else undefined after a few tries.
 */
async function readWhenHolding(path: string, atMessage: string | undefined): Promise<Buffer | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    const content = await readFile(path);
    if (atMessage === undefined || content.includes(atMessage)) return content;
    if (attempt >= READ_TRIES) return undefined;
    await new Promise((resolve) => setTimeout(resolve, READ_INTERVAL_MS));
  }
}

/** The working directory the CLI reported for its session (its last `system/init`), if any. */
export function sessionCwd(messages: readonly { readonly type: string }[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as { type: string; subtype?: unknown; cwd?: unknown };
    if (message.type === 'system' && message.subtype === 'init' && typeof message.cwd === 'string') {
      return message.cwd;
    }
  }
  return undefined;
}
