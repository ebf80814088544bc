/**
 * @module
 * `ProcessHandover`: how a run takes a live CLI process instead of starting one, and hands its
 * process over instead of ending it. The gateway uses it for conversation affinity: the process
 * that answered a turn is kept (see `kept-processes.ts`) and the conversation's next turn is sent
 * to it on stdin, with no start-up and no `--resume`.
 */
import type { CliProcess } from './cli-process.js';

/** See the module comment. Ownership of a process passes with each call. */
export interface ProcessHandover {
  /**
   * A live process that already holds the conversation, for the run's first attempt (the turn is
   * sent to it as is, so it must have been launched with settings this run accepts); undefined
   * when there is none. Hands a process out at most once: a retried attempt starts a new one.
   */
  take(): CliProcess | undefined;
  /**
   * Receives the process of an attempt that answered without an error, instead of it being ended
   * (or returned to the warm pool). The receiver owns it from then on and must end it.
   * @param launchKey The key of the launch spec it was started from, when that is a fresh start
   * (a pooled process, or a cold one started for a new conversation); undefined for the process
   * handed over by {@link take} (its origin is known to whoever handed it) and for one started
   * with `--resume`. Only a fresh start can be rewound into a process for another conversation.
   */
  keep(process: CliProcess, launchKey?: string): void;
}
