/**
 * @module
 * One CLI child process: spawn (never through a shell), stdin writes, stdout decoded into messages,
 * bounded stderr, and termination (SIGTERM, then SIGKILL after a grace period). The object that
 * creates a {@link CliProcess} owns it and must end it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseCliLine, type CliMessage } from '../core/cli-message.js';
import { ClaudeCodeProtocolError, ClaudeCodeSpawnError } from '../core/errors/index.js';
import { killGroup, registerChild } from './child-registry.js';
import { LineDecoder } from './line-decoder.js';
import { withParentDeathSignal } from './parent-death.js';

/** How to start the CLI. */
export interface CliProcessOptions {
  readonly binary: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string | undefined;
  /** Grace between SIGTERM and SIGKILL. @unit milliseconds */
  readonly killGraceMs: number;
  /** How much stderr to keep. @default 16384 */
  readonly stderrLimit?: number;
  /** Kill the CLI when this process dies, even by SIGKILL (Linux). @default true */
  readonly dieWithParent?: boolean;
  /** Called once after the process exited (e.g. to remove its temporary directory). */
  readonly onExit?: () => void;
}

/** How the process ended. */
export interface ExitInfo {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Receives what the process produces; swapped per turn in a multi-turn session. */
export interface CliProcessSink {
  message(message: CliMessage): void;
  /** A stdout line that is not a stream-json object. */
  unparsed(line: string, error: string): void;
  /** A fatal read problem (e.g. a line over the size limit); the process is being killed. */
  failure(error: Error): void;
  exit(info: ExitInfo): void;
}

const noopSink: CliProcessSink = { message() {}, unparsed() {}, failure() {}, exit() {} };

/** A running CLI child. */
export class CliProcess {
  /** Undefined when spawn() threw. */
  readonly #child: ChildProcess | undefined;
  readonly #killGraceMs: number;
  readonly #stderrLimit: number;
  readonly #decoder = new LineDecoder();
  readonly #exited: Promise<ExitInfo>;
  #sink: CliProcessSink = noopSink;
  #stderr = '';
  #exitInfo: ExitInfo | undefined;
  #spawnError: ClaudeCodeSpawnError | undefined;
  #inputEnded = false;
  #sendError: ClaudeCodeProtocolError | undefined;

  /**
   * Request id of the `initialize` control request written right after spawn (see `launch.ts`),
   * until the first turn has read its answer.
   */
  startupRequestId: string | undefined;

  /**
   * Spawn the CLI. Spawn failures (ENOENT, EACCES, EAGAIN) surface as a {@link ClaudeCodeSpawnError}
   * through `exited`/`spawnError` and an `exit` with code null.
   */
  constructor(options: CliProcessOptions) {
    this.#killGraceMs = options.killGraceMs;
    this.#stderrLimit = options.stderrLimit ?? 16_384;
    const { command, args } =
      options.dieWithParent === false
        ? { command: options.binary, args: [...options.args] }
        : withParentDeathSignal(options.binary, options.args);
    let resolveExit!: (info: ExitInfo) => void;
    this.#exited = new Promise<ExitInfo>((resolve) => {
      resolveExit = resolve;
    });
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: true,
        windowsHide: true,
      });
    } catch (error) {
      // spawn() throws synchronously for some failures (E2BIG for an oversized argv or
      // environment, ERR_INVALID_ARG_VALUE for a NUL byte). Report them like the asynchronous
      // 'error' event, one tick later, so whoever sets a sink right after construction sees them.
      this.#child = undefined;
      this.#spawnError = new ClaudeCodeSpawnError(options.binary, asErrno(error));
      queueMicrotask(() => {
        options.onExit?.();
        this.#finishExit({ exitCode: null, signal: null }, resolveExit);
      });
      return;
    }
    this.#child = child;
    registerChild(child);
    if (options.onExit) {
      const onExit = options.onExit;
      child.once('close', () => onExit());
      child.once('error', () => {
        if (child.pid === undefined) onExit();
      });
    }
    child.once('close', (exitCode, signal) => {
      this.#finishExit({ exitCode, signal }, resolveExit);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without a pid means the spawn itself failed; 'close' will not follow.
      if (child.pid === undefined) {
        this.#spawnError = new ClaudeCodeSpawnError(options.binary, error);
        this.#finishExit({ exitCode: null, signal: null }, resolveExit);
      }
    });
    child.stdout?.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#onStderr(chunk));
    // EPIPE on stdin after the CLI exits is expected; the exit path reports the real cause.
    child.stdin?.on('error', () => {});
  }

  /** OS process id (undefined if spawning failed). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** True until the process has exited. */
  get isAlive(): boolean {
    return this.#exitInfo === undefined;
  }

  /** The spawn failure, if the process could not be started. */
  get spawnError(): ClaudeCodeSpawnError | undefined {
    return this.#spawnError;
  }

  /** The retained tail of stderr. */
  get stderrTail(): string {
    return this.#stderr;
  }

  /** Resolves when the process has exited and its output is fully read. */
  get exited(): Promise<ExitInfo> {
    return this.#exited;
  }

  /** Route output to `sink` (replaces the previous one). */
  setSink(sink: CliProcessSink | undefined): void {
    this.#sink = sink ?? noopSink;
  }

  /**
   * Write one JSON line to stdin. Never throws: returns false when stdin is closed or the line
   * cannot be serialised (then {@link sendError} says why). It runs inside stdout handlers (answers
   * to the CLI's control requests), where a throw would be uncaught and end the host process.
   */
  send(line: Record<string, unknown>): boolean {
    const stdin = this.#child?.stdin;
    if (this.#inputEnded || !stdin || stdin.destroyed || !stdin.writable) return false;
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch (error) {
      // e.g. RangeError (call stack) for a value nested thousands of levels deep.
      this.#sendError = new ClaudeCodeProtocolError(
        `Cannot serialise a line for the CLI: ${(error as Error).message}`,
        { cause: error },
      );
      return false;
    }
    this.#sendError = undefined;
    stdin.write(`${text}\n`);
    return true;
  }

  /** Why the latest {@link send} failed although stdin was open; cleared by a successful send. */
  get sendError(): ClaudeCodeProtocolError | undefined {
    return this.#sendError;
  }

  /** Close stdin; the CLI exits once it has answered what it was sent. */
  endInput(): void {
    if (this.#inputEnded) return;
    this.#inputEnded = true;
    this.#child?.stdin?.end();
  }

  /**
   * Terminate: SIGTERM to the process group, SIGKILL after the grace period. Resolves on exit.
   * Safe to call repeatedly and after exit.
   */
  async terminate(): Promise<ExitInfo> {
    if (this.#exitInfo) return this.#exitInfo;
    this.endInput();
    const child = this.#child;
    if (child) killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child) killGroup(child, 'SIGKILL');
    }, this.#killGraceMs);
    timer.unref();
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Kill now: SIGKILL to the process group, no grace. For a run nobody wants any more (aborted): on
   * SIGTERM or the end of its stdin, the CLI (2.1.330) finishes the turn it is in, and a turn
   * waiting for a client tool's result goes on with "the tool call was interrupted" as the result,
   * which is one more API call nobody reads. Resolves on exit; safe to call repeatedly.
   */
  async kill(): Promise<ExitInfo> {
    if (this.#exitInfo) return this.#exitInfo;
    const child = this.#child;
    if (child) killGroup(child, 'SIGKILL');
    this.endInput();
    return this.#exited;
  }

  /**
   * End stdin and give the CLI `graceMs` to exit by itself before terminating it. Used after a
   * result, when the process has nothing left to do.
   */
  async close(graceMs = this.#killGraceMs): Promise<ExitInfo> {
    if (this.#exitInfo) return this.#exitInfo;
    this.endInput();
    const timer = setTimeout(() => void this.terminate(), graceMs);
    timer.unref();
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #onStdout(chunk: Buffer): void {
    let lines: string[];
    try {
      lines = this.#decoder.write(chunk);
    } catch (error) {
      this.#sink.failure(error as Error);
      void this.terminate();
      return;
    }
    for (const line of lines) this.#dispatch(line);
  }

  #dispatch(line: string): void {
    const parsed = parseCliLine(line);
    if (parsed.success) this.#sink.message(parsed.message);
    else this.#sink.unparsed(line, parsed.error);
  }

  #onStderr(chunk: Buffer): void {
    this.#stderr += chunk.toString('utf8');
    if (this.#stderr.length > this.#stderrLimit) this.#stderr = this.#stderr.slice(-this.#stderrLimit);
  }

  #finishExit(info: ExitInfo, resolve: (info: ExitInfo) => void): void {
    if (this.#exitInfo) return;
    for (const line of this.#decoder.end()) this.#dispatch(line);
    this.#exitInfo = info;
    this.#sink.exit(info);
    resolve(info);
  }
}

function asErrno(error: unknown): NodeJS.ErrnoException {
  return error instanceof Error ? error : new Error(String(error));
}
