/**
 * @module
 * One pre-spawned CLI process in the warm pool: started, sent the `initialize` control request (its
 * answer is the "ready" signal, no API call), then parked until a request takes it. After a request
 * it can be reset for another one: `/clear` (new session id, transcript kept, but the CLI adds a
 * short "command was run locally" note to the next prompt) or `rewind_conversation` back to before
 * the first message (nothing added; sessions are not persisted in this mode).
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
  state: PooledState = 'starting';
  uses = 0;
  idleSince = 0;
  /** Resolves true once initialised, false if it died first or did not answer in time. */
  readonly ready: Promise<boolean>;

  constructor(spec: LaunchSpec, readyTimeoutMs = 30_000) {
    this.spec = spec;
    // The pool sends `initialize` itself, with the spec's fields: its answer is the ready signal.
    this.cli = spawnFromSpec(spec, { sendInitialize: false });
    void this.cli.exited.then(() => {
      this.state = 'dead';
    });
    const { line, requestId } = controlRequestLine('initialize', { ...spec.initialize });
    this.ready = this.#request(line, (m) => isControlResponse(m, requestId), readyTimeoutMs).then((ok) => {
      if (ok && this.state === 'starting') {
        this.state = 'idle';
        this.idleSince = Date.now();
      }
      return ok && this.state === 'idle';
    });
    if (!this.cli.send(line) && this.cli.sendError) void this.cli.terminate();
  }

  /** Alive and parked. */
  get available(): boolean {
    return this.state === 'idle' && this.cli.isAlive;
  }

  /** Reset after a request so the next one sees none of it. Resolves false when it failed (then close it). */
  async reset(
    strategy: ReuseStrategy,
    lastResponse: ClaudeCodeResponse,
    timeoutMs = 10_000,
  ): Promise<boolean> {
    if (!this.cli.isAlive) return false;
    this.state = 'resetting';
    let ok: boolean;
    if (strategy === 'rewind') {
      const first = lastResponse.messages.find(
        (m) => m.type === 'user' && m['isReplay'] === true && typeof m['uuid'] === 'string',
      );
      if (!first) return false;
      const { line, requestId } = controlRequestLine('rewind_conversation', {
        target_message_uuid: first['uuid'],
      });
      const pending = this.#request(line, (m) => isControlResponse(m, requestId), timeoutMs);
      this.cli.send(line);
      ok = await pending;
    } else {
      const line = {
        type: 'user',
        session_id: '',
        message: { role: 'user', content: '/clear' },
        parent_tool_use_id: null,
      };
      const pending = this.#request(line, (m) => m.type === 'result', timeoutMs);
      this.cli.send(line);
      ok = await pending;
    }
    if (!ok || !this.cli.isAlive) return false;
    this.state = 'idle';
    this.idleSince = Date.now();
    return true;
  }

  /** Wait for a message matching `done`; false on exit or timeout. */
  #request(
    _line: Record<string, unknown>,
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
