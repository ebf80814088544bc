/**
 * @module
 * Which request paths belong to the OpenAI API, whose clients expect OpenAI's error shape
 * (`{ error: { message, type, param, code } }`); every other path answers in Anthropic's.
 */

const OPENAI_PATHS = new Set(['/v1/chat/completions']);

/** True when errors for `path` (query string allowed) are written in OpenAI's shape. */
export function isOpenAIPath(path: string): boolean {
  const end = path.indexOf('?');
  return OPENAI_PATHS.has(end === -1 ? path : path.slice(0, end));
}

/** The path of the request line at the start of `packet` (`POST /v1/x HTTP/1.1`), if it has one. */
export function requestLinePath(packet: Buffer | undefined): string | undefined {
  if (packet === undefined) return undefined;
  const line = packet.subarray(0, 2048).toString('latin1');
  return /^[A-Z]+ (\/[^ \r\n]*) HTTP\//.exec(line)?.[1];
}
