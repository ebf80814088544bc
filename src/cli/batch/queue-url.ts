/**
 * @module
 * The `--queue [url]` flag of `batch` and `worker`: a Redis URL, or with no value the
 * `CLAUDE_WRAPPER_QUEUE_URL` variable, which keeps a password out of the process list. A password
 * given on the command line is hidden from `ps` as soon as the flags are read (the process title
 * replaces the arguments), and the URL is only ever shown redacted.
 */
import { redactUrl } from '../../core/errors/index.js';
import { CliUsageError } from '../exit-codes.js';

/** The variable `--queue` without a value reads. */
export const QUEUE_URL_ENV = 'CLAUDE_WRAPPER_QUEUE_URL';

/** Help text of the `--queue` flag. */
export const QUEUE_FLAG_HELP = `Redis URL of the batch queue (redis:// or rediss://); without a value, $${QUEUE_URL_ENV}`;

/**
 * The queue URL from the flag's value (`true` when given without one).
 * @param command The command's name, for the process title.
 * @throws {@link CliUsageError} when no URL is given or it is not a Redis URL.
 */
export function resolveQueueUrl(
  flag: string | true | undefined,
  command: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (flag === undefined)
    throw new CliUsageError(`${command} needs --queue <url> (or --queue and ${QUEUE_URL_ENV})`);
  const url = flag === true ? env[QUEUE_URL_ENV] : flag;
  if (url === undefined || url.trim() === '') {
    throw new CliUsageError(`--queue needs a Redis URL, or ${QUEUE_URL_ENV} set`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliUsageError(`--queue: not a URL: ${redactUrl(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CliUsageError(`--queue: expected a redis:// or rediss:// URL, got ${redactUrl(url)}`);
  }
  // /proc/<pid>/cmdline is readable by every user of the machine; the title overwrites it.
  if (flag !== true && (parsed.password || parsed.username)) process.title = `claude-wrapper ${command}`;
  return url;
}
