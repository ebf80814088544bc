/**
 * @module
 * The Redis connection under a batch queue or worker (`connectRedis`, as for the stores). BullMQ
 * needs `maxRetriesPerRequest: null`: commands wait through an outage instead of failing, and ioredis
 * keeps reconnecting (at most 2 s apart), so a batch simply pauses while Redis restarts. BullMQ
 * duplicates this client for its blocking reads; their errors are reported here too, so an outage
 * is announced once however many connections notice it. Errors name the URL with its password
 * redacted.
 */
import type { Redis } from 'ioredis';
import { ClaudeCodeStoreUnavailableError } from '../core/errors/index.js';
import { connectRedis } from '../storage/redis-store.js';

/** How long opening a connection waits for Redis before failing. @unit milliseconds */
export const OPEN_TIMEOUT_MS = 3000;

/** Observers of a {@link QueueConnection}. */
export interface QueueConnectionHooks {
  /** Redis became unreachable (once per outage). */
  readonly onOutage?: ((error: ClaudeCodeStoreUnavailableError) => void) | undefined;
  /** Redis answers again after an outage. */
  readonly onRecovered?: (() => void) | undefined;
}

/** One ioredis client for BullMQ, with outage tracking. */
export class QueueConnection {
  /** The client to hand to BullMQ (`connection`). */
  readonly client: Redis;
  readonly #url: string;
  readonly #hooks: QueueConnectionHooks;
  readonly #readyListeners = new Set<() => void>();
  #outage: ClaudeCodeStoreUnavailableError | undefined;
  #lastError: unknown;

  private constructor(client: Redis, url: string, hooks: QueueConnectionHooks) {
    this.client = client;
    this.#url = url;
    this.#hooks = hooks;
    client.on('error', (error: unknown) => this.reportError(error));
    client.on('ready', () => this.#ready());
  }

  /**
   * Connect to `url` and wait until Redis answers.
   * @throws {@link ClaudeCodeStoreUnavailableError} when it does not within `timeoutMs`.
   */
  static async open(
    url: string,
    hooks: QueueConnectionHooks = {},
    timeoutMs = OPEN_TIMEOUT_MS,
  ): Promise<QueueConnection> {
    const client = await connectRedis(url, undefined, { commandRetries: null, lazyConnect: true });
    const connection = new QueueConnection(client, url, hooks);
    try {
      await withTimeout(client.connect(), timeoutMs);
    } catch (error) {
      client.disconnect();
      // The connection error's errno (ECONNREFUSED...) says more than a timeout.
      throw connection.#unavailable(connection.#lastError ?? error);
    }
    return connection;
  }

  /** True from a connection error until Redis answers again. */
  get down(): boolean {
    return this.#outage !== undefined;
  }

  /** Call `listener` every time the connection becomes ready again after an outage. */
  onReconnect(listener: () => void): () => void {
    this.#readyListeners.add(listener);
    return () => this.#readyListeners.delete(listener);
  }

  /** A connection error from this client or one BullMQ duplicated from it. */
  reportError(error: unknown): void {
    this.#lastError = error;
    if (this.#outage !== undefined || !isConnectionError(error)) return;
    this.#outage = this.#unavailable(error);
    try {
      this.#hooks.onOutage?.(this.#outage);
    } catch {
      // Reporting must not change the outcome.
    }
  }

  /** Close the client (at once while Redis is down). */
  async close(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  #ready(): void {
    if (this.#outage === undefined) return;
    this.#outage = undefined;
    for (const listener of [this.#hooks.onRecovered, ...this.#readyListeners]) {
      try {
        listener?.();
      } catch {
        // See reportError.
      }
    }
  }

  #unavailable(error: unknown): ClaudeCodeStoreUnavailableError {
    return new ClaudeCodeStoreUnavailableError(this.#url, reasonOf(error), 'batch queue', { cause: error });
  }
}

/** Errors that mean "cannot reach Redis", as opposed to a command's own failure. */
function isConnectionError(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name !== 'ReplyError' && name !== 'UnrecoverableError';
}

/** An errno code such as `ECONNREFUSED`, else the first line of the message. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  const message = error instanceof Error ? error.message : String(error ?? '');
  return message.split('\n')[0]?.slice(0, 120) || 'connection failed';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
