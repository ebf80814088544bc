/**
 * @module
 * Runs one Messages request for the HTTP routes: validate, take a concurrency slot, give the run an
 * isolated working directory (via the wrapper), and release the slot when the answer (or the stream) ends. A client that
 * disconnects aborts the run, which kills the CLI.
 */
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { Context } from 'hono';
import { collectMessage } from '../../compat/anthropic/message-accumulator.js';
import type {
  AnthropicMessagesService,
  ResultMeta,
  StreamStart,
} from '../../gateway/messages-service.js';
import { ClaudeCodeAbortError } from '../../core/errors/index.js';
import type { AppEnv, AppServices } from '../app-context.js';

/** A request that passed validation and holds a run slot. */
export interface MessagesRun {
  /** Run to completion and return the whole message. */
  create(): Promise<{ message: Message; meta: ResultMeta }>;
  /**
   * Start streaming; resolves once the first event is there, so a failure before any output can
   * still become a proper HTTP error status.
   */
  stream(): Promise<StartedStream>;
}

/**
 * A stream ready to be sent: its first event has arrived, or it has made the client wait for
 * `pingIntervalMs` already (`waiting`), in which case the response starts anyway, with a ping.
 */
export interface StartedStream {
  readonly events: AsyncIterable<RawMessageStreamEvent>;
  readonly meta: Promise<ResultMeta>;
  /** Headers known when the response starts (`x-claude-code-context`, `x-claude-code-warnings`). */
  readonly headers: Record<string, string>;
  /**
   * No event yet: the response starts before the first one, so a failure from here on becomes the
   * stream's error event instead of an HTTP status (as with the real API, which always starts at once).
   */
  readonly waiting: boolean;
  /** Send a keep-alive after this much silence (`ssePingIntervalMs`); 0 never. @unit milliseconds */
  readonly pingIntervalMs: number;
  /** Stop the run (client went away). */
  abort(): void;
  /** Free the slot and the workspace; call when the response is finished. */
  release(): void;
}

/** Headers carrying what the proxy knows about a finished run. */
export function resultHeaders(meta: ResultMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'x-claude-cost-usd': meta.costUsd.toFixed(6),
    'x-claude-code-context': meta.context,
    'x-claude-duration-ms': String(meta.durationMs),
  };
  if (meta.sessionId) headers['x-claude-session-id'] = meta.sessionId;
  Object.assign(headers, warningsHeader(meta.warnings));
  return headers;
}

/** `x-claude-code-warnings`, one line, when there is anything to say. */
function warningsHeader(warnings: readonly string[]): Record<string, string> {
  return warnings.length > 0
    ? { 'x-claude-code-warnings': warnings.join('; ').replace(/[\r\n]+/g, ' ') }
    : {};
}

/**
 * Validate `body` and wait for a run slot.
 * @throws the validation error (400) before taking a slot; 529 when the queue is full.
 */
export async function startMessages(
  c: Context<AppEnv>,
  services: AppServices,
  body: unknown,
  extraWarnings: readonly string[] = [],
): Promise<MessagesRun> {
  const { gate } = services;
  const { signal, abort, detach } = runSignal(c, services.shutdown);
  const service = services.messages;
  let releaseSlot: (() => void) | undefined;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    detach();
    releaseSlot?.();
  };
  let started: ReturnType<AnthropicMessagesService['stream']>;
  try {
    started = service.stream(body, signal); // validates now
    releaseSlot = await gate.acquire(signal);
  } catch (error) {
    release();
    throw error;
  }
  const withWarnings = (meta: ResultMeta): ResultMeta => ({
    ...meta,
    warnings: [...extraWarnings, ...meta.warnings],
  });
  return {
    async create() {
      try {
        const message = await collectMessage(started.events);
        const meta = withWarnings(await started.meta);
        return { message, meta };
      } finally {
        release();
      }
    },
    async stream() {
      const iterator = started.events[Symbol.asyncIterator]();
      const pingIntervalMs = services.options.ssePingIntervalMs;
      const firstEvent = iterator.next();
      let first: IteratorResult<RawMessageStreamEvent> | undefined;
      let start: StreamStart | undefined;
      try {
        // Waiting for the model's first output keeps a failure before it a proper HTTP status;
        // waiting silently longer than the keep-alive interval would look like a dead server.
        first = await firstOrTimeout(firstEvent, pingIntervalMs);
        start = await (first ? started.started : started.planned).catch(() => undefined);
        // Planning failed: the first event carries the error (and its status).
        if (!first && !start) first = await firstEvent;
      } catch (error) {
        release();
        throw error;
      }
      const head = first;
      async function* events(): AsyncGenerator<RawMessageStreamEvent> {
        try {
          const opening = head ?? (await firstEvent);
          if (!opening.done) yield opening.value;
          for (;;) {
            const next = await iterator.next();
            if (next.done) return;
            yield next.value;
          }
        } finally {
          // Leaving early (client gone, write failed) must stop the CLI.
          if (!released) await iterator.return?.();
          release();
        }
      }
      const warnings = [...extraWarnings, ...(start?.warnings ?? [])];
      const headers: Record<string, string> = {
        ...(start ? { 'x-claude-code-context': start.context } : {}),
        ...warningsHeader(warnings),
      };
      const meta = started.meta.then(withWarnings);
      // Routes may never read it (the client went away); that must not be an unhandled rejection.
      meta.catch(() => {});
      return {
        events: events(),
        headers,
        meta,
        waiting: head === undefined,
        pingIntervalMs,
        abort,
        release,
      };
    },
  };
}

/** The first event, or undefined when `ms` pass first (never, for 0). */
async function firstOrTimeout<T>(first: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms <= 0) return first;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([first, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The run's abort signal: the client went away, the route called `abort`, or the server's drain
 * deadline passed. One controller with listeners instead of `AbortSignal.any` over the request's
 * signal: that costs ~0.1 ms per request on Node 20 (the request signal is built lazily by the
 * adapter just for it) and ties every request to the long-lived shutdown signal until collected.
 */
function runSignal(
  c: Context<AppEnv>,
  shutdown: AbortSignal,
): { signal: AbortSignal; abort: () => void; detach: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort(new ClaudeCodeAbortError('client disconnected'));
  const onShutdown = (): void => controller.abort(shutdown.reason);
  if (shutdown.aborted) onShutdown();
  else shutdown.addEventListener('abort', onShutdown, { once: true });
  const outgoing = c.env?.outgoing;
  // A response closed before it was complete means the client is gone.
  const onClose = (): void => {
    if (!outgoing?.writableFinished) abort();
  };
  if (outgoing) outgoing.once('close', onClose);
  else c.req.raw.signal.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    abort,
    detach: () => {
      shutdown.removeEventListener('abort', onShutdown);
      if (outgoing) outgoing.off('close', onClose);
      else c.req.raw.signal.removeEventListener('abort', abort);
    },
  };
}
