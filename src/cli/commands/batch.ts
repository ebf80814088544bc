/**
 * @module
 * `claude-wrapper batch <input.jsonl|csv>`: many prompts, resumable, with progress and a summary.
 */
import type { Command } from 'commander';
import type { BatchResultsFlags, BatchStatusFlags } from '../batch/queued-batch.js';
import { QUEUE_FLAG_HELP, QUEUE_URL_ENV } from '../batch/queue-url.js';
import type { QueueBatchFlags } from '../batch/submit-batch.js';
import { parseInteger } from '../shared/parse-flags.js';
import { addRunFlags } from '../shared/run-flags.js';

/** Register the `batch` command. */
export function registerBatch(program: Command): void {
  const command = program
    .command('batch')
    .description('Run every prompt of a JSONL or CSV file; resumable, results appended as they finish')
    .argument('<input>', 'JSONL file ({"id"?, "prompt", ...options} per line) or CSV with a "prompt" column')
    .option('-j, --concurrency <n>', 'prompts run at once', parseInteger(), 2)
    .option('-o, --output <file>', 'results file (JSONL); default: <input without extension>.out.jsonl')
    .option('--retry-failed', 'also re-run items whose last result is a failure')
    .option(
      '--retries <n>',
      'retry rate limits, overload and 5xx errors up to n times, with backoff',
      parseInteger(0),
    )
    .option('--json', 'print the summary as JSON')
    .option('--queue [url]', `${QUEUE_FLAG_HELP}: run the items on \`claude-wrapper worker\` processes`)
    .option(
      '--name <name>',
      'with --queue: the batch name (default: input name + hash of host and output path)',
    )
    .option('--detach', 'with --queue: exit once the items are queued (then: batch status / batch results)')
    .option(
      '--key-name <name>',
      "with --queue: run the items under the limits of this server.keys entry (the workers' configuration has it)",
    );
  addRunFlags(command)
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper batch prompts.jsonl --concurrency 4
  $ claude-wrapper batch questions.csv --model sonnet --tools "" -o answers.jsonl
  $ claude-wrapper batch prompts.jsonl --retry-failed
  $ claude-wrapper batch prompts.jsonl --json | jq .costUsd

Input:
  JSONL  {"id": "q1", "prompt": "Capital of France?", "model": "haiku", "system": "One word."}
         Per-item options: model, system, appendSystem, maxTurns, tools, allowedTools,
         timeoutMs, jsonSchema, ... (any library run option). "id" defaults to the line number.
  CSV    header row with "prompt" and optional "id", "model", "system", "append_system";
         other columns are ignored. "id" defaults to the data row number (1 = first row).

Output: one JSON line per finished item, written as soon as it finishes:
  {"id":"q1","ok":true,"content":"Paris","sessionId":"...","model":"...","costUsd":0.0012,
   "inputTokens":12,"outputTokens":3,"durationMs":2310,"finishedAt":"..."}
  {"id":"q2","ok":false,"error":{"code":"API_ERROR","message":"..."},"costUsd":0,...}

Resuming: re-run the same command after Ctrl-C or a crash; ids already in the output are
skipped, so nothing is lost or run twice. Failed items are re-run only with --retry-failed,
which appends a new record: the last record of an id is its result.
Exit code: 0 when every item succeeded, 1 when any item's result is a failure, 130 on Ctrl-C.

Distributed (Redis + BullMQ): --queue puts the pending items on a queue that any number of
\`claude-wrapper worker --queue <url>\` processes run, then follows it with the same progress,
output file and summary (Ctrl-C stops following; the workers go on). Re-running queues nothing
twice. Run flags travel with the items; --cwd, --retries and machine settings are the workers'.
  $ claude-wrapper batch prompts.jsonl --queue redis://redis:6379
  $ ${QUEUE_URL_ENV}=redis://:pw@redis:6379 claude-wrapper batch prompts.jsonl --queue --detach
  $ claude-wrapper batch status prompts-1a2b3c4d --queue
  $ claude-wrapper batch results prompts-1a2b3c4d --queue`,
    )
    .action(
      async (
        input: string,
        flags: QueueBatchFlags | (Omit<QueueBatchFlags, 'queue'> & { queue?: undefined }),
      ) => {
        if (flags.queue !== undefined) {
          const { runQueuedBatch } = await import('../batch/submit-batch.js');
          await runQueuedBatch(input, flags);
          return;
        }
        if (flags.keyName !== undefined) {
          const { CliUsageError } = await import('../exit-codes.js');
          throw new CliUsageError('--key-name goes with --queue (a local batch runs with no API key)');
        }
        const { runBatch } = await import('../batch/run-batch.js');
        await runBatch(input, flags);
      },
    );
  command
    .command('status')
    .description('Where a queued batch stands: items done, failed, running, waiting; workers connected')
    .argument('<name>', 'the batch name printed by batch --queue')
    .option('--queue [url]', QUEUE_FLAG_HELP)
    .option('--json', 'print the counts as JSON')
    // The flags `batch` also has (--queue, --json, -o) are parsed by `batch` itself: read both.
    .action(async (name: string, _flags: unknown, sub: Command) => {
      const { runBatchStatus } = await import('../batch/queued-batch.js');
      await runBatchStatus(name, sub.optsWithGlobals<BatchStatusFlags>());
    });
  command
    .command('results')
    .description("Write a queued batch's results to its output file, following it until it finishes")
    .argument('<name>', 'the batch name printed by batch --queue')
    .option('--queue [url]', QUEUE_FLAG_HELP)
    .option('-o, --output <file>', "results file (default: the submitter's output path)")
    .option('--no-wait', 'write what has finished and return')
    .option('--json', 'print the summary as JSON')
    .action(async (name: string, _flags: unknown, sub: Command) => {
      const { runBatchResults } = await import('../batch/queued-batch.js');
      await runBatchResults(name, sub.optsWithGlobals<BatchResultsFlags>());
    });
}
