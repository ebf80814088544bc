/**
 * @module
 * `ClaudeSession`: a multi-turn conversation on one long-lived CLI process. Each turn is one
 * stream-json user message on stdin; the CLI keeps the history. If the process dies between turns,
 * the next turn transparently restarts it with `--resume`, so the conversation survives.
 */
import { ClaudeCodeSessionClosedError } from '../core/errors/index.js';
import { validatePrompt, type Prompt } from '../core/prompt.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import type { SessionTarget } from '../process/build-args.js';
import type { CliProcess } from '../process/cli-process.js';
import { driveTurn } from '../process/drive-turn.js';
import { launchCli } from '../process/launch.js';
import { ClaudeRun, type RunController } from './claude-run.js';
import { RunLifecycle, type RunServices } from './run-lifecycle.js';
import type { ResolvedRunOptions, RunOptions } from './run-options.js';

/** Options for `wrapper.session()`. */
export interface ClaudeSessionOptions extends Omit<RunOptions, 'signal'> {
  /** Resume this earlier session instead of starting a new one. */
  readonly resume?: string;
  /** With `resume`: branch into a new session id. */
  readonly fork?: boolean;
  /** Refuse further turns after this many (`ask`/`stream` calls). Unlimited by default. */
  readonly maxSessionTurns?: number | undefined;
}

/** Per-turn options. */
export interface SessionTurnOptions {
  /** Abort this turn; the session stays usable (the CLI is interrupted, not killed). */
  readonly signal?: AbortSignal;
}

/** One entry of {@link ClaudeSession.getHistory}. */
export type SessionHistoryEntry =
  | { readonly role: 'user'; readonly content: Prompt; readonly timestamp: string }
  | {
      readonly role: 'assistant';
      readonly content: string;
      readonly timestamp: string;
      readonly response: ClaudeCodeResponse;
    };

/** @internal Wiring passed by the wrapper. */
export interface ClaudeSessionInit {
  readonly options: ResolvedRunOptions;
  readonly target: SessionTarget;
  readonly maxSessionTurns: number | undefined;
  readonly services: RunServices;
}

/**
 * A multi-turn conversation on one CLI process.
 *
 * @example
 * ```ts
 * await using chat = wrapper.session({ model: 'sonnet' });
 * await chat.ask('My name is Ada.');
 * const { content } = await chat.ask('What is my name?');
 * ```
 */
export class ClaudeSession implements AsyncDisposable {
  readonly #init: ClaudeSessionInit;
  readonly #history: SessionHistoryEntry[] = [];
  #process: CliProcess | undefined;
  #launched = false;
  #sessionId: string | undefined;
  #turns = 0;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  /** @internal Use `wrapper.session()`. */
  constructor(init: ClaudeSessionInit) {
    this.#init = init;
    this.#sessionId = init.target.fork ? undefined : (init.target.resume ?? init.target.sessionId);
  }

  /** The CLI session id, known after the first turn started (or from `resume`). */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Turns sent so far. */
  get turns(): number {
    return this.#turns;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Send one turn and resolve with its response. Turns run one at a time, in call order. */
  async ask(prompt: Prompt, options: SessionTurnOptions = {}): Promise<ClaudeCodeResponse> {
    return this.stream(prompt, options).result;
  }

  /** Send one turn and stream its events. Leaving the loop early interrupts the turn. */
  stream(prompt: Prompt, options: SessionTurnOptions = {}): ClaudeRun {
    const valid = validatePrompt(prompt);
    if (this.#closed) throw new ClaudeCodeSessionClosedError('close() was called');
    const limit = this.#init.maxSessionTurns;
    if (limit !== undefined && this.#turns >= limit) {
      throw new ClaudeCodeSessionClosedError(`the limit of ${limit} turns (maxSessionTurns) is reached`);
    }
    this.#turns += 1;
    return new ClaudeRun((controller) => {
      const signal = options.signal
        ? AbortSignal.any([options.signal, controller.signal])
        : controller.signal;
      const turn = this.#queue.then(() => this.#runTurn(valid, signal, controller));
      this.#queue = turn.catch(() => {});
    });
  }

  /** The conversation so far: user prompts and assistant answers, in order. */
  getHistory(): readonly SessionHistoryEntry[] {
    return [...this.#history];
  }

  /** End the session and its CLI process. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const cli = this.#process;
    this.#process = undefined;
    if (cli) await cli.close(this.#init.options.killGraceMs);
  }

  /** `await using session = wrapper.session()` closes it at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #runTurn(prompt: Prompt, signal: AbortSignal, controller: RunController): Promise<void> {
    const lifecycle = new RunLifecycle(this.#init.services, 'session', prompt);
    try {
      if (this.#closed) throw new ClaudeCodeSessionClosedError('close() was called');
      const cli = this.#ensureProcess();
      this.#history.push({ role: 'user', content: prompt, timestamp: new Date().toISOString() });
      const response = await driveTurn(cli, prompt, {
        startedAt: lifecycle.startedAt,
        timeoutMs: this.#init.options.timeoutMs,
        idleTimeoutMs: this.#init.options.idleTimeoutMs,
        interruptGraceMs: this.#init.options.killGraceMs,
        stopMode: 'interrupt',
        signal,
        onEvent: (event) => {
          if (event.type === 'session_start' && event.sessionId) this.#sessionId = event.sessionId;
          controller.emit(event);
        },
      });
      if (response.sessionId) this.#sessionId = response.sessionId;
      this.#history.push({
        role: 'assistant',
        content: response.content,
        timestamp: new Date().toISOString(),
        response,
      });
      controller.succeed(lifecycle.complete(response, this.#init.options.throwOnError));
    } catch (error) {
      // A session whose process died is restarted (with --resume) on the next turn.
      if (this.#process && !this.#process.isAlive) this.#process = undefined;
      controller.fail(lifecycle.fail(error));
    }
  }

  #ensureProcess(): CliProcess {
    if (this.#process?.isAlive) return this.#process;
    // A restarted process continues this conversation, whatever the first one was told.
    const target: SessionTarget =
      this.#launched && this.#sessionId ? { resume: this.#sessionId } : this.#init.target;
    this.#process = launchCli(this.#init.options, target);
    this.#launched = true;
    return this.#process;
  }
}
