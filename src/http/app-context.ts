/**
 * @module
 * What every route needs, built once per server.
 */
import type { HttpBindings } from '@hono/node-server';
import type { ClaudeCodeWrapper } from '../client/wrapper.js';
import type { AnthropicMessagesService } from '../gateway/messages-service.js';
import type { ReplicaState } from '../gateway/replica-state.js';
import type { WrapperLogger } from '../observability/logger.js';
import type { ProxyMetrics } from '../observability/prometheus.js';
import type { SessionStore } from '../session/session-store.js';
import type { ConcurrencyGate } from '../resilience/concurrency-gate.js';
import type { KeyQuotas } from './key-quotas.js';
import type { ServerOptions } from './server-options.js';

/** Shared services of one server. */
export interface AppServices {
  readonly options: ServerOptions;
  readonly wrapper: ClaudeCodeWrapper;
  readonly sessionStore: SessionStore;
  /** What the replicas share through the server's `redisUrl` besides the stores above; undefined without one. */
  readonly replicas?: ReplicaState | undefined;
  /** The gateway's Messages entry, configured from the server options (both APIs open requests on it). */
  readonly messages: AnthropicMessagesService;
  /** The proxy's concurrency limit; the gateway takes and releases a slot per request. */
  readonly gate: ConcurrencyGate;
  /** Per-key limits and usage (requests per minute, runs at once, spend). */
  readonly quotas: KeyQuotas;
  readonly metrics: ProxyMetrics;
  readonly logger: WrapperLogger;
  /** Aborted when a draining server's deadline passes: every run still going is stopped. */
  readonly shutdown: AbortSignal;
}

/** An error a request was answered with (see `noteProblem` in `error-handler.ts`). */
export interface AnsweredProblem {
  /** API-neutral error type (`compat/problem.ts`): `rate_limit_error`, `overloaded_error`... */
  readonly type: string;
  /** The HTTP status the error maps to (for an error inside a stream, the one it would have had). */
  readonly status: number;
}

/** Hono environment of the app. */
export interface AppEnv {
  /** The Node request and response under `@hono/node-server`; `app.request()` passes none (`c.env` may even be undefined). */
  Bindings: Partial<HttpBindings>;
  Variables: {
    requestId: string;
    clientId: string;
    /** The caller's key name, for a key of `server.keys`. */
    keyName: string | undefined;
    /**
     * Set when the answer is an error, in its status line or inside a stream: the error's
     * API-neutral type and the status it maps to. The access log counts it
     * (`claude_wrapper_errors_total`).
     */
    problem: AnsweredProblem | undefined;
  };
}
