/**
 * @module
 * Browser callers. Any web page can send a "simple" cross-site POST (a `text/plain` body needs no
 * preflight) to a proxy on loopback, and the proxy would run the prompt on the user's Claude
 * account. Browsers name the calling page in `Origin`, which non-browser clients (the official SDKs,
 * curl) never send, so: a request with an `Origin` not in `allowedOrigins` is refused, and for the
 * origins that are listed the proxy speaks CORS (preflight, allowed and exposed headers).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-context.js';
import { HttpProblem } from '../http-problem.js';

/** Request headers a browser client may send: what the Anthropic and OpenAI SDKs use. */
const ALLOWED_HEADERS = new Set([
  'content-type',
  'authorization',
  'x-api-key',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'x-request-id',
]);
const ALLOWED_HEADER_PREFIXES = ['x-stainless-', 'openai-'];

/** Response headers a browser client may read. */
const EXPOSED_HEADERS = [
  'request-id',
  'x-request-id',
  'retry-after',
  'x-claude-cost-usd',
  'x-claude-session-id',
  'x-claude-code-context',
  'x-claude-code-warnings',
].join(', ');

const normalize = (origin: string): string => origin.trim().toLowerCase().replace(/\/+$/, '');

/** The requested headers this proxy accepts (CORS has no prefix wildcards, so they are echoed). */
function allowedRequestHeaders(requested: string | undefined): string {
  return (requested ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(
      (name) =>
        ALLOWED_HEADERS.has(name) || ALLOWED_HEADER_PREFIXES.some((prefix) => name.startsWith(prefix)),
    )
    .join(', ');
}

/**
 * Refuse (403 `permission_error`) a request whose `Origin` is not in `allowedOrigins` (`*` allows
 * every origin); answer CORS preflights and add `Access-Control-Allow-Origin` for allowed ones.
 */
export function originCheck(allowedOrigins: readonly string[]): MiddlewareHandler<AppEnv> {
  const anyOrigin = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins.map(normalize));
  return async function originCheckMiddleware(c, next) {
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    if (!anyOrigin && !allowed.has(normalize(origin))) {
      const shown = origin.length > 100 ? `${origin.slice(0, 100)}…` : origin;
      throw new HttpProblem(
        403,
        'permission_error',
        `Origin "${shown}" is not allowed: browsers may call this proxy only from origins listed in allowedOrigins (--allowed-origin, CLAUDE_WRAPPER_ALLOWED_ORIGINS).`,
      );
    }
    c.header('access-control-allow-origin', origin);
    c.header('vary', 'Origin');
    const method = c.req.header('access-control-request-method');
    if (c.req.method === 'OPTIONS' && method !== undefined) {
      c.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      const headers = allowedRequestHeaders(c.req.header('access-control-request-headers'));
      if (headers !== '') c.header('access-control-allow-headers', headers);
      c.header('access-control-max-age', '600');
      return c.body(null, 204);
    }
    c.header('access-control-expose-headers', EXPOSED_HEADERS);
    return next();
  };
}
