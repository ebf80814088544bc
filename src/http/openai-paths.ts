/**
 * @module
 * Which API's error shape a request gets: OpenAI's (`{ error: { message, type, param, code } }`)
 * or Anthropic's (`{ type: 'error', error: { type, message } }`).
 *
 * - OpenAI-only paths (`/v1/chat/completions`, `/v1/completions`, `/v1/responses`,
 *   `/v1/embeddings`, ...): OpenAI's, whatever the headers.
 * - Anthropic-only paths (`/v1/messages...`, `/v1/complete`) and everything outside `/v1/`
 *   (`/health`, `/metrics`): Anthropic's.
 * - Any other `/v1/` path, `/v1/models` included (shared by both APIs) and unknown ones: Anthropic's
 *   when the request sends `anthropic-version` (every Anthropic SDK does), OpenAI's otherwise, as the
 *   models route picks its success shape.
 */

/** The API whose error shape a request gets. */
export type ErrorApi = 'anthropic' | 'openai';

const OPENAI_ONLY = [
  '/v1/chat/completions',
  '/v1/completions',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/moderations',
  '/v1/images',
  '/v1/audio',
];
const ANTHROPIC_ONLY = ['/v1/messages', '/v1/complete'];

function under(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The API whose error shape answers `path` (query string allowed).
 *
 * @param anthropicVersion - whether the request carries an `anthropic-version` header
 */
export function errorApiFor(path: string, anthropicVersion: boolean): ErrorApi {
  const end = path.indexOf('?');
  const bare = end === -1 ? path : path.slice(0, end);
  if (under(bare, OPENAI_ONLY)) return 'openai';
  if (under(bare, ANTHROPIC_ONLY) || !bare.startsWith('/v1/')) return 'anthropic';
  return anthropicVersion ? 'anthropic' : 'openai';
}

/** True when errors for `path` are written in OpenAI's shape (see {@link errorApiFor}). */
export function isOpenAIPath(path: string, anthropicVersion = false): boolean {
  return errorApiFor(path, anthropicVersion) === 'openai';
}

/** The path of the request line at the start of `packet` (`POST /v1/x HTTP/1.1`), if it has one. */
export function requestLinePath(packet: Buffer | undefined): string | undefined {
  if (packet === undefined) return undefined;
  const line = packet.subarray(0, 2048).toString('latin1');
  return /^[A-Z]+ (\/[^ \r\n]*) HTTP\//.exec(line)?.[1];
}
