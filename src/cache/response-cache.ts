/**
 * @module
 * Opt-in response cache for deterministic uses. The key is a hash of the normalised request: the
 * prompt and the options that change the answer (model, system prompt, tools, schema...), never the
 * environment, where secrets live. Only successful fresh runs are stored; resumed sessions are never
 * served from cache because their answer depends on the conversation so far.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClaudeRunConfig } from '../core/config/schema.js';
import type { Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import { MemoryKeyValueStore, type KeyValueStore } from '../storage/key-value-store.js';
import { FileKeyValueStore } from '../storage/file-store.js';
import { RedisKeyValueStore } from '../storage/redis-store.js';
import { WriteBehindKeyValueStore } from '../storage/write-behind-store.js';

/** Option fields that change the answer, and so belong in the key. */
const KEYED_FIELDS = [
  'model',
  'fallbackModel',
  'systemPrompt',
  'appendSystemPrompt',
  'maxTurns',
  'allowedTools',
  'disallowedTools',
  'tools',
  'mcpConfig',
  'permissionMode',
  'workingDirectory',
  'addDirs',
  'settings',
  'jsonSchema',
  'effort',
  'extraArgs',
] as const satisfies ReadonlyArray<keyof ClaudeRunConfig>;

/** Cache settings from the configuration. */
export interface CacheSettings {
  readonly ttlMs: number;
  readonly store?: 'file' | 'redis' | 'memory' | undefined;
  readonly path?: string | undefined;
}

/** Options of {@link ResponseCache}. */
export interface ResponseCacheOptions {
  /**
   * Hears about a failed lookup or write (the run goes on uncached). With {@link ResponseCache.open}
   * only the failure that starts an outage is reported (once, until the store works again). The
   * errors name files or the Redis URL: log them, never send them to callers.
   */
  readonly onError?: ((error: unknown, operation: 'read' | 'write') => void) | undefined;
}

/** Stores and returns whole responses. */
export class ResponseCache {
  readonly #store: KeyValueStore;
  readonly #ttlMs: number;
  readonly #onError: ResponseCacheOptions['onError'];

  constructor(store: KeyValueStore, ttlMs: number, options: ResponseCacheOptions = {}) {
    this.#store = store;
    this.#ttlMs = ttlMs;
    this.#onError = options.onError;
  }

  /**
   * Open the configured store. Writes to the embedded store (LMDB, shared by any number of
   * processes) happen behind the answer ({@link WriteBehindKeyValueStore}): storing a response must
   * not delay it. A store that is down (full disk, unwritable directory, Redis not running) makes
   * every lookup a miss and reports once per outage to `options.onError`; it recovers by itself.
   */
  static open(settings: CacheSettings, redisUrl?: string, options: ResponseCacheOptions = {}): ResponseCache {
    const kind = settings.store ?? 'file';
    const onOutage = options.onError;
    let store: KeyValueStore;
    if (kind === 'memory') store = new MemoryKeyValueStore();
    else if (kind === 'redis') {
      if (!redisUrl) throw new TypeError('cache.store "redis" needs redisUrl');
      store = new RedisKeyValueStore(redisUrl, 'ccw:cache:', { purpose: 'response cache', onOutage });
    } else {
      const path = settings.path ?? join(homedir(), '.claude-code-wrapper', 'cache');
      // A failing directory (disk full) is opened again after a backoff, so the cache recovers.
      store = new WriteBehindKeyValueStore(new FileKeyValueStore(path, { onOutage }));
    }
    // The store reports outages itself: no report per failed operation.
    return new ResponseCache(store, settings.ttlMs);
  }

  /** The cache key of a request. */
  static keyFor(prompt: Prompt, options: ClaudeRunConfig): string {
    const keyed: Record<string, unknown> = {};
    for (const field of KEYED_FIELDS) if (options[field] !== undefined) keyed[field] = options[field];
    return createHash('sha256')
      .update(stableStringify({ prompt, options: keyed }))
      .digest('hex');
  }

  /** The stored response, marked `cached: true`; a store that fails counts as a miss. */
  async get(key: string): Promise<ClaudeCodeResponse | undefined> {
    let text: string | undefined;
    try {
      text = await this.#store.get(key);
    } catch (error) {
      // The cache is an optimisation: a broken disk must not fail the run it would have sped up.
      this.#onError?.(error, 'read');
      return undefined;
    }
    if (text === undefined) return undefined;
    try {
      return { ...(JSON.parse(text) as ClaudeCodeResponse), cached: true };
    } catch {
      return undefined;
    }
  }

  /** Store a successful response. */
  async set(key: string, response: ClaudeCodeResponse): Promise<void> {
    if (response.isError) return;
    await this.#store.set(key, JSON.stringify(response), this.#ttlMs);
  }

  async close(): Promise<void> {
    await this.#store.close();
  }
}

/** JSON with sorted object keys, so equal requests hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
