/**
 * @module
 * A source of live CLI processes for the warm pool besides starting new ones: processes a pooled
 * configuration handed out that someone kept afterwards (conversation affinity keeps the process
 * that answered a turn, for that conversation's next turn). When a request finds no ready process,
 * the pool asks the donor for one of them instead of making the request wait for a start-up; the
 * pool then rewinds it to before its conversation's first message (`rewind_conversation`: nothing
 * reaches the next prompt) and hands it out as if it had just started.
 */
import type { CliProcess } from './cli-process.js';

/** A process given to the pool, and where its conversation starts. */
export interface DonatedProcess {
  /** Idle (between turns), started from the launch spec the pool asked for. */
  readonly cli: CliProcess;
  /** The uuid of its conversation's first user message: `rewind_conversation` goes back to before it. */
  readonly rewindTo: string;
}

/** See the module comment. */
export interface ProcessDonor {
  /**
   * An idle process started from the launch spec with key `specKey` that can be spared now, or
   * undefined. The donor gives it up: the pool owns it from then on (and ends it should the rewind
   * fail). Never rejects.
   */
  donate(specKey: string): Promise<DonatedProcess | undefined>;
  /**
   * How many processes of `specKey` it could donate at no loss: ones it is about to give up anyway
   * (e.g. the least recently kept, when keeping one more would evict it). The pool starts that
   * many fewer spares: a request finding none ready gets one of these instead. Omitted: none.
   */
  spare?(specKey: string): number;
}
