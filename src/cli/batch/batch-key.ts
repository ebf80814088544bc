/**
 * @module
 * `batch --queue --key-name <name>`: a queued batch run on behalf of one of `server.keys`. The job
 * data carries the name only, never the key; workers loading the same configuration find the
 * entry, count each item under the key's fingerprint with the key's limits (the same
 * {@link UsageClient} the proxy uses for that key), so proxy replicas and workers sharing a Redis
 * share one budget and one count of runs at once.
 */
import { keyLimitsByName } from '../../http/key-quotas.js';
import { keyFingerprint } from '../../http/middleware/auth.js';
import { parseServerOptions, type ServerOptions } from '../../http/server-options.js';
import type { UsageClient } from '../../resilience/usage/key-usage.js';
import { CliUsageError } from '../exit-codes.js';
import { resolveServeOptions } from '../serve/resolve-serve-options.js';

/** The server options of the configuration (`--config`, else `CLAUDE_CONFIG_PATH`), as `serve` reads them. */
export function loadServerOptions(configFile?: string): ServerOptions {
  return parseServerOptions(resolveServeOptions(configFile === undefined ? {} : { config: configFile }));
}

/**
 * The usage client of the `server.keys` entry called `name`.
 * @throws {@link CliUsageError} when no entry has that name.
 */
export function batchKeyClient(name: string, options: ServerOptions): UsageClient {
  const limits = keyLimitsByName(options).get(name);
  const entry = options.keys.find((key) => key.name === name);
  if (limits === undefined || entry === undefined) {
    const known = options.keys.map((key) => key.name);
    throw new CliUsageError(
      `--key-name ${name}: no such entry in server.keys of the configuration` +
        (known.length > 0 ? ` (known: ${known.join(', ')})` : ' (it has no server.keys)'),
    );
  }
  return { id: keyFingerprint(entry.key), name, limits };
}
