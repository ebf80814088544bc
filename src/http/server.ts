/**
 * @module
 * `createServer`: the proxy as a Node HTTP server, with safe defaults (loopback, keys required off
 * loopback, no CLI tools for callers) and graceful drain on SIGTERM.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { ClaudeCodeWrapper } from '../client/wrapper.js';
import { AnthropicApiError } from '../compat/anthropic/errors.js';
import { ClaudeCodeConfigurationError } from '../core/errors/index.js';
import { createLogger, type WrapperLogger } from '../observability/logger.js';
import { registerConversationProcessMetrics } from '../observability/conversation-process-metrics.js';
import { ProxyMetrics } from '../observability/prometheus.js';
import { AnthropicMessagesService } from '../gateway/messages-service.js';
import { openReplicaState } from '../gateway/replica-state.js';
import { toolRunsFor } from '../gateway/tool-runs.js';
import { openSessionStore, type SessionStore } from '../session/session-store.js';
import type { AppServices } from './app-context.js';
import { createApp } from './app.js';
import { KeyQuotas } from './key-quotas.js';
import { ConcurrencyGate } from '../resilience/concurrency-gate.js';
import { answerProtocolErrors } from './protocol-errors.js';
import { ownerCustomizationsOff } from './owner-customizations.js';
import {
  isLoopback,
  parseServerOptions,
  type ServerOptions,
  type ServerOptionsInput,
} from './server-options.js';

/** A running (or ready to run) proxy server. */
export interface ProxyServer {
  /** The hono app (usable in-process with `app.request()`). */
  readonly app: ReturnType<typeof createApp>;
  readonly options: ServerOptions;
  /** Start listening; resolves with the bound URL. */
  listen(): Promise<{ url: string; port: number }>;
  /**
   * Stop accepting connections, let in-flight requests finish for up to `drainTimeoutMs`, then kill
   * the remaining CLI processes.
   */
  close(): Promise<void>;
}

/** Extra wiring for tests and embedding. */
export interface CreateServerDependencies {
  readonly logger?: WrapperLogger;
  readonly sessionStore?: SessionStore;
}

/**
 * Create the HTTP proxy.
 * @throws {@link ClaudeCodeConfigurationError} when bound beyond loopback without API keys.
 * @example
 * ```ts
 * const server = createServer({ port: 8787 });
 * const { url } = await server.listen();
 * ```
 */
export function createServer(
  input: ServerOptionsInput = {},
  dependencies: CreateServerDependencies = {},
): ProxyServer {
  const options = parseServerOptions(input);
  if (!isLoopback(options.host) && options.apiKeys.length === 0 && options.keys.length === 0) {
    throw new ClaudeCodeConfigurationError(
      `Refusing to listen on ${options.host} without an API key: anyone who can reach it could use your Claude account. Set apiKeys (or CLAUDE_WRAPPER_API_KEYS) or keys, or bind 127.0.0.1.`,
    );
  }
  const logger = dependencies.logger ?? createLogger(options.wrapper.logLevel);
  const gate = new ConcurrencyGate(options.maxConcurrent, options.maxQueue);
  const shutdown = new AbortController();
  const wrapper = new ClaudeCodeWrapper(wrapperConfigFor(options), { logger });
  // Replicas (one `redisUrl`): transcripts, stored responses and replica notices; the conversation
  // map and the cache below use the same Redis. The errors name the URL (redacted) or files: log only.
  const replicas =
    options.redisUrl === undefined
      ? undefined
      : openReplicaState(options.redisUrl, {
          onError: (error, purpose, operation) =>
            logger.warn(
              { event: 'replica_state_failed', purpose, operation, message: (error as Error).message },
              `the replicas' shared ${purpose} could not be used; requests go on without it`,
            ),
        });
  const sessionStore =
    dependencies.sessionStore ??
    openSessionStore({
      path: options.sessionStorePath,
      redisUrl: options.sessionStoreRedisUrl ?? options.redisUrl,
      // The messages name the store's directory: they go to the server's log only, callers get a
      // generic warning. A failing store is opened again after a backoff.
      onError: (error, operation) =>
        logger.warn(
          { event: `session_store_${operation}_failed`, message: (error as Error).message },
          operation === 'write'
            ? 'could not remember a conversation; its next turn will not resume the CLI session'
            : 'could not look up a conversation; its history was rebuilt from the request',
        ),
    });
  const services: AppServices = {
    options,
    logger,
    gate,
    wrapper,
    sessionStore,
    replicas,
    messages: new AnthropicMessagesService({
      wrapper,
      sessionStore,
      replicas,
      onReplicaError: (error) =>
        logger.warn(
          { event: 'replica_notice_failed', message: (error as Error).message },
          'could not tell the other replicas about a tool run or conversation taken over here; theirs waits until its deadline',
        ),
      onConversationCopyError: (error) =>
        logger.warn(
          { event: 'conversation_copy_failed', message: (error as Error).message },
          'a kept process went to another conversation, but its own conversation could not be copied; its next turn is rebuilt from the request',
        ),
      strict: options.strict,
      systemPromptMode: options.systemPromptMode,
      allowCliTools: options.allowCliTools,
      defaultModel: options.defaultModel,
      modelMap: options.modelMap,
      expiredToolResults: options.expiredToolResults,
      // Isolation (a fresh empty directory per CLI process) comes from the wrapper's
      // `isolateWorkingDirectory`, which keeps warm-pool processes interchangeable.
      workingDirectory: wrapper.config.workingDirectory,
      conversationProcesses: {
        maxProcesses: options.conversationProcesses,
        maxIdleMs: options.conversationIdleMs,
        maxMemoryBytes: options.conversationMemoryMb * 1024 * 1024,
      },
    }),
    quotas: new KeyQuotas(options, logger),
    shutdown: shutdown.signal,
    metrics: new ProxyMetrics({ inFlight: () => gate.active, queued: () => gate.queued }),
  };
  registerConversationProcessMetrics(services.metrics.registry, () =>
    services.messages.conversationProcessStats(),
  );
  const app = createApp(services);
  let server: ServerType | undefined;

  return {
    app,
    options,
    listen() {
      return new Promise((resolve, reject) => {
        const s = serve(
          { fetch: app.fetch, hostname: options.host, port: options.port },
          (info: AddressInfo) => {
            const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
            logger.info(
              { event: 'listening', url: `http://${host}:${info.port}` },
              'claude-code-wrapper proxy listening',
            );
            resolve({ url: `http://${host}:${info.port}`, port: info.port });
            // The conversation map opens on first use (~40 ms: the LMDB module and its files), the
            // router builds its matcher on the first request (~4 ms) and the request path's
            // validators compile on theirs (~10 ms): all would otherwise be on the first answer's
            // path. A store failure is reported as usual.
            setImmediate(() => {
              void services.sessionStore.get(STORE_WARM_UP_KEY).catch(() => {});
              app.router.match('POST', '/v1/messages');
              services.messages.warmUp();
            });
          },
        );
        s.once('error', reject);
        answerProtocolErrors(s);
        server = s;
      });
    },
    async close() {
      const s = server;
      server = undefined;
      // Idle processes kept for a next turn that will not come to this server: ended now (a run
      // answered during the drain ends its process instead of keeping it).
      const kept = services.messages.close();
      if (s) {
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        const deadline = Date.now() + options.drainTimeoutMs;
        while ((gate.active > 0 || gate.queued > 0) && Date.now() < deadline) await sleep(50);
        if (gate.active > 0) {
          logger.warn(
            { event: 'drain_timeout', running: gate.active },
            'drain deadline passed; killing CLI runs',
          );
        }
        // Stop only this server's work: its in-flight runs, the runs waiting for client tool
        // results, and its warm pool. Other wrappers in the same process are not touched.
        // Not a client abort (499): the run is cut by the server, and the caller should retry,
        // elsewhere or after the restart (529 / OpenAI 503 with retry-after, which the SDKs retry).
        shutdown.abort(
          new AnthropicApiError(
            529,
            'overloaded_error',
            'The server is shutting down and its drain deadline passed before this request finished; retry it.',
          ),
        );
        toolRunsFor(services.wrapper).abortAll();
        const killDeadline = Date.now() + 5_000;
        while (gate.active > 0 && Date.now() < killDeadline) await sleep(20);
        await services.wrapper.close();
        if ('closeAllConnections' in s && typeof s.closeAllConnections === 'function')
          s.closeAllConnections();
        await closed;
      }
      await kept;
      await Promise.all([services.sessionStore.close(), replicas?.close()]);
      await services.quotas.close();
    },
  };
}

/**
 * The wrapper configuration the proxy runs with: unless tools are enabled, remote callers get an
 * empty per-process directory and none of the owner's Claude Code customizations
 * (`owner-customizations.ts`); and a warm pool unless configured otherwise: between `warmPoolMinIdle`
 * and `warmPoolSize` ready processes per configuration as recent concurrency calls for, never
 * more pooled processes than the proxy runs at once plus one spare. No process reuse: `/clear`
 * puts a note the caller never wrote before each later request, and `rewind` turns off the
 * session persistence later turns resume from (README "Warm pool and process reuse").
 */
function wrapperConfigFor(options: ServerOptions): ServerOptions['wrapper'] {
  const { warmPool } = options.wrapper;
  const maxProcesses = options.maxConcurrent + 1;
  const { redisUrl } = options;
  const { cache } = options.wrapper;
  return {
    ...options.wrapper,
    // One URL for everything the replicas share: the response cache (and a wrapper rate limit) too.
    ...(redisUrl === undefined || options.wrapper.redisUrl !== undefined ? {} : { redisUrl }),
    ...(redisUrl === undefined || cache === undefined || cache.store !== undefined
      ? {}
      : { cache: { ...cache, store: 'redis' as const } }),
    isolateWorkingDirectory: options.wrapper.isolateWorkingDirectory ?? !options.allowCliTools,
    ...(options.allowCliTools ? {} : ownerCustomizationsOff(options.wrapper)),
    ...(warmPool
      ? { warmPool: { maxProcesses, ...warmPool } }
      : options.warmPoolSize === 0
        ? {}
        : {
            warmPool: {
              size: Math.min(options.warmPoolSize, options.maxConcurrent),
              minIdle: options.warmPoolMinIdle,
              maxProcesses,
            },
          }),
  };
}

/** A key no conversation has: looked up once at start-up to open the conversation map. */
const STORE_WARM_UP_KEY = 'claude-code-wrapper:warm-up';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
