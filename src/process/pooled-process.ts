/**
 * @module
 * One pre-spawned CLI process in the warm pool: started, sent the `initialize` control request (its
 * answer is the "ready" signal, no API call), then parked until a request takes it. After a request
 * it can be reset for another one: `/clear` (new session id, transcript kept, but the CLI adds a
 * short "command was run locally" note to the next prompt) or `rewind_conversation` back to before
 * the first message (nothing added; sessions are not persisted in this mode). A process kept for a
 * conversation (see `process-donor.ts`) is rewound the same way when the pool takes it back.
 *
 * A process a run started cold (with the pool's spec) can be adopted after its first request
 * instead of being ended: its start-up is already paid for. A request that finds no idle process
 * can wait for one that is still starting or resetting ({@link PooledProcess.whenIdle}).
 */
import type { CliMessage } from '../core/cli-message.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { CliProcess } from './cli-process.js';
import { spawnFromSpec, type LaunchSpec } from './launch.js';
import { controlRequestLine } from './stdin-protocol.js';

/** How a process is reset between requests. */
export type ReuseStrategy = 'clear' | 'rewind';

/** Lifecycle of a pooled process. */
export type PooledState = 'starting' | 'idle' | 'busy' | 'resetting' | 'dead';

/** A pooled CLI process. */
export class PooledProcess {
  readonly cli: CliProcess;
  readonly spec: LaunchSpec;
  readonly createdAt = Date.now();
  uses = 0;
  idleSince = 0;
  /** Resolves true once initialised, false if it died first or did not answer in time. */
  readonly ready: Promise<boolean>;
  #state: PooledState = 'starting';
  /** Callbacks waiting for this process to become idle (true) or dead (false). */
  readonly #settleWaiters = new Set<(idle: boolean) => void>();

  /**
   * Spawn and initialise a process for `spec`, or adopt `cli`: a process a run started cold with
   * the same spec, whose first request just ended (it starts `busy` with one use).
   */
  constructor(
    spec: LaunchSpec,
    { readyTimeoutMs = 30_000, adopt }: { readyTimeoutMs?: number; adopt?: CliProcess } = {},
  ) {
    this.spec = spec;
    if (adopt) {
      this.cli = adopt;
      this.#state = 'busy';
      this.uses = 1;
      this.ready = Promise.resolve(true);
    } else {
      // The pool sends `initialize` itself, with the spec's fields: its answer is the ready signal.
      this.cli = spawnFromSpec(spec, { sendInitialize: false });
      const { line, requestId } = controlRequestLine('initialize', { ...spec.initialize });
      this.ready = this.#request(line, (m) => isControlResponse(m, requestId), readyTimeoutMs).then((ok) => {
        if (ok && this.state === 'starting') {
          this.idleSince = Date.now();
          this.state = 'idle';
        }
        return ok && this.state === 'idle';
      });
      if (this.cli.sendError) void this.cli.terminate();
    }
    void this.cli.exited.then(() => {
      this.state = 'dead';
    });
  }

  /** Lifecycle state; becoming idle or dead wakes {@link whenIdle} waiters. */
  get state(): PooledState {
    return this.#state;
  }

  set state(state: PooledState) {
    if (this.#state === 'dead') return;
    this.#state = state;
    if (state !== 'idle' && state !== 'dead') return;
    for (const wake of [...this.#settleWaiters]) wake(state === 'idle');
  }

  /** Alive and parked. */
  get available(): boolean {
    return this.state === 'idle' && this.cli.isAlive;
  }

  /**
   * Resolve true when this process is (or becomes) idle, false when it dies, `timeoutMs` passes or
   * `signal` aborts first. Used to hand a request a process that is still starting or resetting.
   */
  whenIdle(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.state === 'idle' || this.state === 'dead') return Promise.resolve(this.available);
    return new Promise<boolean>((resolve) => {
      const finish = (idle: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#settleWaiters.delete(finish);
        resolve(idle && this.cli.isAlive);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      timer.unref();
      this.#settleWaiters.add(finish);
      if (signal?.aborted) finish(false);
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Reset after a request so the next one sees none of it. Resolves false when it failed (then close it). */
  async reset(
    strategy: ReuseStrategy,
    lastResponse: ClaudeCodeResponse,
    timeoutMs = 10_000,
  ): Promise<boolean> {
    if (strategy === 'rewind') {
      const first = lastResponse.messages.find(
        (m) => m.type === 'user' && m['isReplay'] === true && typeof m['uuid'] === 'string',
      );
      return first !== undefined && this.rewind(first['uuid'] as string, timeoutMs);
    }
    if (!this.cli.isAlive) return false;
    this.state = 'resetting';
    const line = {
      type: 'user',
      session_id: '',
      message: { role: 'user', content: '/clear' },
      parent_tool_use_id: null,
    };
    return this.#settle(await this.#request(line, (m) => m.type === 'result', timeoutMs));
  }

  /**
   * Forget the conversation from `firstMessage` (the uuid of its first user message) on:
   * `rewind_conversation`, after which the process is as if it had just started (same session id;
   * the CLI writes nothing for the rewind). Resolves false when it failed (then close it).
   */
  async rewind(firstMessage: string, timeoutMs = 10_000): Promise<boolean> {
    if (!this.cli.isAlive) return false;
    this.state = 'resetting';
    const { line, requestId } = controlRequestLine('rewind_conversation', {
      target_message_uuid: firstMessage,
    });
    return this.#settle(await this.#request(line, (m) => isControlResponse(m, requestId), timeoutMs));
  }

  /** After a reset: idle when it worked and the process lives. */
  #settle(ok: boolean): boolean {
    if (!ok || !this.cli.isAlive) return false;
    this.idleSince = Date.now();
    this.state = 'idle';
    return true;
  }

  /** Send `line` and wait for a message matching `done`; false when it cannot be sent, on exit or timeout. */
  #request(
    line: Record<string, unknown>,
    done: (m: CliMessage) => boolean,
    timeoutMs: number,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      timer.unref();
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.cli.setSink(undefined);
        resolve(ok);
      };
      this.cli.setSink({
        message: (m) => {
          if (done(m)) finish(m.type !== 'control_response' || asSuccess(m));
        },
        unparsed: () => {},
        failure: () => finish(false),
        exit: () => finish(false),
      });
      if (!this.cli.send(line)) finish(false);
    });
  }
}

function isControlResponse(message: CliMessage, requestId: string): boolean {
  if (message.type !== 'control_response') return false;
  const response = message['response'] as { request_id?: unknown } | undefined;
  return response?.request_id === requestId;
}

function asSuccess(message: CliMessage): boolean {
  return (message['response'] as { subtype?: unknown } | undefined)?.subtype === 'success';
}
