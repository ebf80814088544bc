/**
 * @module
 * API-key check. Keys come as `x-api-key` (Anthropic clients) or `Authorization: Bearer` (OpenAI
 * clients and Anthropic SDK 1.x). Comparison is constant-time over SHA-256 digests, so neither the
 * key nor its length leaks through timing. The caller is then known by the key's fingerprint
 * ({@link keyFingerprint}: metrics, per-key usage) and, for a key of `server.keys`, its name.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../http-problem.js';

/** Variables this middleware sets. */
export interface AuthVariables {
  /** A short, non-secret fingerprint of the caller's key (for rate limits and logs); `anonymous` without a key. */
  clientId: string;
  /** The name of the caller's key when it is one of `server.keys`. */
  keyName: string | undefined;
}

/** An accepted key, with the name it is shown by (keys of `server.keys`). */
export interface AcceptedKey {
  readonly key: string;
  readonly name?: string | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The non-secret name a key is stored and counted under (`key_` + 12 hex digits of its SHA-256):
 * metrics' `client` label, per-key usage, logs.
 */
export function keyFingerprint(key: string): string {
  return `key_${digest(key).toString('hex').slice(0, 12)}`;
}

/** Read the presented key from either header. */
export function presentedKey(headers: { get(name: string): string | undefined | null }): string | undefined {
  const apiKey = headers.get('x-api-key');
  if (apiKey) return apiKey.trim();
  const authorization = headers.get('authorization');
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
  return match?.[1]?.trim();
}

/** Require one of `keys`; with no keys configured every caller is accepted (loopback only). */
export function auth(
  keys: readonly (string | AcceptedKey)[],
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const accepted = keys.map((entry) => (typeof entry === 'string' ? { key: entry } : entry));
  const digests = accepted.map(({ key }) => digest(key));
  return async function authMiddleware(c, next) {
    const key = presentedKey(c.req.raw.headers);
    let name: string | undefined;
    if (digests.length > 0) {
      if (!key) {
        throw new HttpProblem(
          401,
          'authentication_error',
          'Missing API key: send it as x-api-key or Authorization: Bearer.',
        );
      }
      const presented = digest(key);
      // Compare against every key so the time taken does not depend on which one matched.
      let match = -1;
      digests.forEach((expected, index) => {
        if (timingSafeEqual(presented, expected)) match = index;
      });
      if (match < 0) throw new HttpProblem(401, 'authentication_error', 'Invalid API key.');
      name = accepted[match]?.name;
    }
    c.set('clientId', key ? keyFingerprint(key) : 'anonymous');
    c.set('keyName', name);
    await next();
  };
}
