/**
 * @module
 * API-key check. Keys come as `x-api-key` (Anthropic clients) or `Authorization: Bearer` (OpenAI
 * clients and Anthropic SDK 1.x). Comparison is constant-time over SHA-256 digests, so neither the
 * key nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../http-problem.js';

/** Variables this middleware sets. */
export interface AuthVariables {
  /** A short, non-secret fingerprint of the caller's key (for rate limits and logs). */
  clientId: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Read the presented key from either header. */
export function presentedKey(headers: { get(name: string): string | undefined | null }): string | undefined {
  const apiKey = headers.get('x-api-key');
  if (apiKey) return apiKey.trim();
  const authorization = headers.get('authorization');
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
  return match?.[1]?.trim();
}

/** Require one of `keys`; with no keys configured every caller is accepted (loopback only). */
export function auth(keys: readonly string[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  const digests = keys.map(digest);
  return async function authMiddleware(c, next) {
    const key = presentedKey(c.req.raw.headers);
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
      let ok = false;
      for (const expected of digests) ok = timingSafeEqual(presented, expected) || ok;
      if (!ok) throw new HttpProblem(401, 'authentication_error', 'Invalid API key.');
    }
    c.set('clientId', key ? `key_${digest(key).toString('hex').slice(0, 12)}` : 'anonymous');
    await next();
  };
}
