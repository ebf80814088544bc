/**
 * @module
 * `ProcessHolder`: a run piece's process while the request holds it (conversation affinity, see
 * `conversation-affinity.ts`).
 */
import type { CliProcess } from '../process/cli-process.js';
import type { ProcessHandover } from '../process/process-handover.js';

/**
 * The process of one run piece while it is the request's: the kept one it continues (handed to the
 * run's first attempt), then the one that answered (handed back by the attempt), until the piece
 * ends and it is kept again or ended. Implements the run's {@link ProcessHandover}.
 */
export class ProcessHolder implements ProcessHandover {
  readonly #claimed: CliProcess | undefined;
  #live: CliProcess | undefined;
  #answering: CliProcess | undefined;
  #answeringLaunchKey: string | undefined;
  #disposed = false;

  /** @param claimed A kept process the run continues. */
  constructor(claimed?: CliProcess) {
    this.#claimed = claimed;
    this.#live = claimed;
  }

  /**
   * True when the claimed process failed before answering and the run resumed the session in a
   * fresh one instead (the request is then `resumed`, not `continued`).
   */
  get fellBack(): boolean {
    return this.#claimed !== undefined && !this.#claimed.isAlive;
  }

  take(): CliProcess | undefined {
    const live = this.#live;
    this.#live = undefined;
    return live;
  }

  keep(process: CliProcess, launchKey?: string): void {
    if (this.#disposed) {
      void process.close();
      return;
    }
    void this.#answering?.close();
    this.#answering = process;
    this.#answeringLaunchKey = launchKey;
  }

  /**
   * The process that answered, once, with its launch spec's key when it was started fresh for
   * this run (see `ProcessHandover.keep`); the caller owns it.
   */
  takeAnswering(): { readonly cli: CliProcess; readonly launchKey: string | undefined } | undefined {
    const cli = this.#answering;
    this.#answering = undefined;
    return cli && { cli, launchKey: this.#answeringLaunchKey };
  }

  /** End whatever is still held (the piece failed or was not kept); later hand-overs are ended too. */
  dispose(): void {
    this.#disposed = true;
    void this.#live?.close();
    void this.#answering?.close();
    this.#live = undefined;
    this.#answering = undefined;
  }
}
