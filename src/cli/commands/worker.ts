/**
 * @module
 * `claude-wrapper worker --queue <url>`: run the items of batches queued with `batch --queue`.
 */
import type { Command } from 'commander';
import { QUEUE_FLAG_HELP, QUEUE_URL_ENV } from '../batch/queue-url.js';
import { parseInteger } from '../shared/parse-flags.js';
import type { WorkerFlags } from '../worker/run-worker.js';

/** Register the `worker` command. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run items of batches queued with `batch --queue`, on this machine; any number of workers')
    .requiredOption('--queue [url]', QUEUE_FLAG_HELP)
    .option('-j, --concurrency <n>', 'items run at once', parseInteger(), 2)
    .option('--retries <n>', 'retry rate limits, overload and 5xx errors up to n times', parseInteger(0))
    .option('--cwd <dir>', 'run items in this directory (default: a fresh empty one per item)')
    .option(
      '--lock-duration <ms>',
      "an item's lock: a killed worker's items go back to the queue this long after it died",
      parseInteger(),
    )
    .option(
      '--stalled-interval <ms>',
      'how often this worker looks for items whose worker died',
      parseInteger(),
    )
    .option(
      '--max-stalled <n>',
      'times an item may lose its worker before it fails (default 1)',
      parseInteger(0),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper worker --queue redis://redis:6379 --concurrency 4
  $ ${QUEUE_URL_ENV}=redis://:secret@redis:6379 claude-wrapper worker --queue

Each item runs like an item of a local batch, with this machine's configuration (CLAUDE_CONFIG_PATH,
CLAUDE_*) under the options queued with it; its result goes back to the batch's submitter through
Redis. requestsPerMinute is shared by all workers (redisUrl defaults to the queue's Redis).
Items of a batch queued with --key-name run under that server.keys entry's limits (the entry must be
in this machine's configuration); an item over a limit waits in the queue until the limit frees.
A worker killed mid-item (SIGKILL, lost machine): its items run again on another worker once their
lock expires (--lock-duration, default 30000 ms; checked every --stalled-interval, default 30000 ms).
SIGTERM or Ctrl-C drains (finish running items, take no new ones); a second signal hands the
running items back to the queue at once. Exit code 0 after SIGTERM, 130 after Ctrl-C, 2 when this
machine cannot run items (no CLI, bad configuration; the item is handed back).`,
    )
    .action(async (flags: WorkerFlags) => {
      const { runWorker } = await import('../worker/run-worker.js');
      await runWorker(flags);
    });
}
