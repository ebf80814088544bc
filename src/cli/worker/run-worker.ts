/**
 * @module
 * `claude-wrapper worker --queue <url>`: run the items of queued batches, `--concurrency` at a time,
 * on this machine, with this machine's configuration (`CLAUDE_CONFIG_PATH`, `CLAUDE_*`). Each item
 * runs exactly like an item of a local batch ({@link runItem}) and its record is the job's result.
 *
 * The rate limit (`requestsPerMinute`) is shared by every worker: the wrapper's `redisUrl`
 * defaults to the queue's Redis. Items run in a fresh empty directory unless the configuration or
 * `--cwd` names one, since whoever queued them is not on this machine.
 *
 * Items of a batch queued with `--key-name` run under that `server.keys` entry's limits
 * ({@link KeyAdmission}).
 *
 * SIGTERM (or Ctrl-C) drains: no new item is taken, the running ones finish, then the worker exits
 * 0 (130 after Ctrl-C). A second signal hands the running items back to the queue at once.
 */
import { ClaudeCodeAbortError, type ClaudeCodeError } from '../../core/errors/index.js';
import { QueueWorker, type StallTiming, DEFAULT_STALL_TIMING } from '../../queue/queue-worker.js';
import { redactUrl } from '../../core/errors/index.js';
import { isUsageError } from '../exit-codes.js';
import { createWrapper } from '../shared/create-wrapper.js';
import { exitSoon } from '../shared/exit-soon.js';
import { formatDuration, formatUsd } from '../shared/format.js';
import { loadCliConfig } from '../shared/load-cli-config.js';
import { resolveQueueUrl } from '../batch/queue-url.js';
import { fromQueued, type QueuedItemData } from '../batch/queued-item.js';
import type { BatchRecord } from '../batch/results-log.js';
import { runItem } from '../batch/run-item.js';
import { KeyAdmission } from './key-admission.js';

/** Flags of `worker`. */
export interface WorkerFlags {
  readonly queue: string | true;
  readonly concurrency: number;
  readonly retries?: number;
  readonly cwd?: string;
  readonly lockDuration?: number;
  readonly stalledInterval?: number;
  readonly maxStalled?: number;
}

/** Run the worker until it is told to stop. */
export async function runWorker(flags: WorkerFlags): Promise<void> {
  const url = resolveQueueUrl(flags.queue, 'worker');
  const say = (text: string): void => void process.stderr.write(`claude-wrapper worker: ${text}\n`);
  const config = loadCliConfig().wrapper;
  const wrapper = createWrapper({
    ...(config.redisUrl === undefined ? { redisUrl: url } : {}),
    ...(flags.retries === undefined ? {} : { maxRetries: flags.retries }),
    ...(flags.cwd !== undefined
      ? { workingDirectory: flags.cwd, isolateWorkingDirectory: false }
      : config.workingDirectory === undefined && config.isolateWorkingDirectory === undefined
        ? { isolateWorkingDirectory: true }
        : {}),
  });
  const timing: StallTiming = {
    lockDurationMs: flags.lockDuration ?? DEFAULT_STALL_TIMING.lockDurationMs,
    stalledIntervalMs: flags.stalledInterval ?? DEFAULT_STALL_TIMING.stalledIntervalMs,
    maxStalledCount: flags.maxStalled ?? DEFAULT_STALL_TIMING.maxStalledCount,
  };
  let fatal: unknown;
  let stopping: ((reason: 'signal' | 'fatal') => void) | undefined;
  const stopped = new Promise<'signal' | 'fatal'>((resolve) => (stopping = resolve));
  let done = 0;
  let failed = 0;
  const keys = new KeyAdmission(url, say);

  const worker = await QueueWorker.start<QueuedItemData, BatchRecord>(url, {
    concurrency: flags.concurrency,
    timing,
    onOutage: (error) => say(`${error.message}; waiting for it`),
    onRecovered: () => say('Redis is back'),
    onDeferred: (item, deferral) =>
      say(
        `waiting ${item.batch}/${item.itemId} until ${new Date(deferral.untilMs).toISOString()}: ${deferral.message}`,
      ),
    onAttemptFailed: (item, error, final) =>
      say(`${item.batch}/${item.itemId}: ${error.message}${final ? '' : '; it will be retried'}`),
    handle: async (item, signal) => {
      const name = `${item.batch}/${item.itemId}`;
      const parsed = fromQueued(item.itemId, item.data);
      const { keyName } = item.data;
      // Throws ItemDeferred when a limit of the key is reached: the item waits until it frees.
      const admission =
        'problem' in parsed || typeof keyName !== 'string' ? undefined : await keys.admit(keyName);
      const problem =
        'problem' in parsed
          ? parsed.problem
          : admission && 'problem' in admission
            ? admission.problem
            : undefined;
      let record: BatchRecord | undefined;
      try {
        record =
          problem !== undefined || 'problem' in parsed
            ? {
                id: item.itemId,
                ok: false,
                error: { code: 'VALIDATION_FAILED', message: problem ?? '' },
                costUsd: 0,
                durationMs: 0,
                finishedAt: new Date().toISOString(),
              }
            : await runItem(wrapper, parsed, {}, signal).catch((error: unknown) => {
                // This machine cannot run anything (no CLI, bad configuration): give the item back.
                if (!isUsageError(error)) throw error;
                fatal ??= error;
                stopping?.('fatal');
                return undefined;
              });
      } finally {
        if (admission && !('problem' in admission)) admission.end(record?.costUsd ?? 0);
      }
      if (record === undefined) {
        say(`handed back ${name}`);
        return undefined;
      }
      // The shared rate limit's store is down: not the item's failure; BullMQ retries it later.
      if (!record.ok && record.error.code === 'STORE_UNAVAILABLE') throw new Error(record.error.message);
      if (record.ok) done += 1;
      else failed += 1;
      say(
        record.ok
          ? `ok ${name} (${formatDuration(record.durationMs)}, ${formatUsd(record.costUsd)})`
          : `failed ${name}: ${record.error.code}: ${record.error.message}`,
      );
      return record;
    },
  });
  let signals = 0;
  let interrupted = false;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Drained: it is closing its connections and exits in a moment, with its own exit code.
    if (closing) return;
    signals += 1;
    if (signal === 'SIGINT') interrupted = true;
    if (signals === 1) {
      say(`${signal}: draining (${worker.active} running, taking no new items)`);
      stopping?.('signal');
    } else {
      say(`${signal}: handing the running items back to the queue`);
      worker.handBack();
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Only now: whoever reads this line may send SIGTERM at once (a supervisor, a test), and before
  // the handlers the signal would kill the worker by its default action.
  say(
    `taking batch items from ${redactUrl(url)}, ${flags.concurrency} at a time; ` +
      'SIGTERM or Ctrl-C drains, a second one hands running items back',
  );
  try {
    const why = await stopped;
    if (why === 'fatal') worker.handBack();
    await worker.drain();
  } finally {
    // The handlers stay until the process exits (they do not keep it alive), ignoring what comes
    // now: a signal while the connections close or after (a second SIGTERM sent to hand back items
    // that were already done) would otherwise kill the worker by its default action, without its
    // exit code and last line.
    closing = true;
    await keys.close();
    await wrapper.close();
  }
  say(`stopped: ${done} item(s) done, ${failed} failed`);
  // An item handed back while it waited for a rate-limit token leaves that wait's timer behind
  // (the limiter's queue cannot cancel it): do not sit it out.
  exitSoon();
  if (fatal !== undefined) throw fatal as ClaudeCodeError;
  if (interrupted) throw new ClaudeCodeAbortError('SIGINT');
}
