/**
 * @module
 * The worker's side of `batch --key-name`: each item of such a batch is admitted under its key's
 * limits (requests per minute, runs at once, daily and monthly spend) through the same {@link KeyUsage} as the proxy (same Redis, so one budget and one count of
 * runs at once for proxy replicas and workers) and charged its real cost. A limit that is reached
 * defers the item until it frees ({@link ItemDeferred}) rather than failing it.
 */
import { ItemDeferred } from '../../queue/item-deferred.js';
import { KeyLimitError } from '../../resilience/usage/key-limit-error.js';
import { KeyUsage, type RunAdmission, type UsageClient } from '../../resilience/usage/key-usage.js';
import { messageOf } from '../report-error.js';
import { batchKeyClient, loadServerOptions } from '../batch/batch-key.js';
import type { ServerOptions } from '../../http/server-options.js';

/** See the module comment. */
export class KeyAdmission {
  readonly #queueUrl: string;
  readonly #say: (text: string) => void;
  #options: ServerOptions | undefined;
  #usage: KeyUsage | undefined;

  /** @param queueUrl The Redis counting usage when the configuration names none. */
  constructor(queueUrl: string, say: (text: string) => void) {
    this.#queueUrl = queueUrl;
    this.#say = say;
  }

  /**
   * Admit an item of key `name`: its admission, or why the item cannot run under that key.
   * @throws {@link ItemDeferred} when one of the key's limits is reached (until it frees).
   * @throws the store's error when the usage store fails (the item is retried).
   */
  async admit(name: string): Promise<RunAdmission | { readonly problem: string }> {
    let client: UsageClient;
    try {
      // Read when the first keyed item comes, so a worker for unkeyed batches needs no server section.
      this.#options ??= loadServerOptions();
      client = batchKeyClient(name, this.#options);
    } catch (error) {
      return { problem: messageOf(error) };
    }
    const options = this.#options;
    this.#usage ??= KeyUsage.open(
      // Where the proxy counts (`server.redisUrl`); else the queue's Redis, shared by every worker.
      { redisUrl: options.redisUrl ?? this.#queueUrl },
      {
        onChargeLost: (lost, costUsd, error) =>
          this.#say(`could not record $${costUsd} spent by key '${lost.name}': ${messageOf(error)}`),
      },
    );
    try {
      // An item counts as one request, as a proxy request does, then as one run.
      await this.#usage.countRequest(client);
      return await this.#usage.admitRun(client);
    } catch (error) {
      if (!KeyLimitError.isInstance(error)) throw error;
      throw new ItemDeferred(error.message, Date.now() + error.retryAfterSeconds * 1000);
    }
  }

  /** Let the charges being written land, then close the store. */
  async close(): Promise<void> {
    await this.#usage?.close();
  }
}
