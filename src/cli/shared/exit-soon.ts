/**
 * @module
 * For commands that talk to Redis through BullMQ: once the command is over, the process exits even
 * if a client still holds a timer (BullMQ waits out a retry delay before noticing a connection it
 * could not close, e.g. while Redis is down). A process that ends by itself is not delayed.
 */

/** Exit `ms` after now unless the process has ended by then (the exit code is `process.exitCode`). */
export function exitSoon(ms = 1000): void {
  setTimeout(() => process.exit(), ms).unref();
}
