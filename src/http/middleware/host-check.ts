/**
 * @module
 * `Host` header check against DNS rebinding: a web page on `evil.example` whose name is re-pointed
 * at 127.0.0.1 reaches a loopback proxy from the victim's browser, same-origin as far as the browser
 * knows, but its requests still say `Host: evil.example`. Only the names this server is actually
 * reached by are accepted.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-context.js';
import { HttpProblem } from '../http-problem.js';

/** What {@link hostCheck} accepts. */
export interface HostCheckOptions {
  /** The interface the server binds. */
  readonly host: string;
  /** Configured `Host` values (`name`, `name:port` or `*`); undefined for the default. */
  readonly allowedHosts?: readonly string[] | undefined;
}

interface HostPattern {
  readonly name: string;
  /** Required port; undefined for any port, `local` for the port the request arrived on. */
  readonly port: string | 'local' | undefined;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** Split a `Host` value into its lowercased name (IPv6 kept in brackets) and port. */
export function parseHost(value: string): { name: string; port: string | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]*\]|[^:[\]]*)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return undefined;
  return { name: (match[1] ?? '').toLowerCase().replace(/\.$/, ''), port: match[2] };
}

/** The patterns accepted, or undefined when any host is. */
function patternsFor(options: HostCheckOptions): HostPattern[] | undefined {
  if (options.allowedHosts !== undefined) {
    if (options.allowedHosts.includes('*')) return undefined;
    return options.allowedHosts.flatMap((entry) => {
      const parsed = parseHost(entry);
      return parsed ? [{ name: parsed.name, port: parsed.port }] : [];
    });
  }
  // Bound to every interface (which requires API keys): callers use names this server cannot know.
  if (WILDCARD_BINDS.has(options.host)) return undefined;
  const bound =
    options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  return [...new Set([bound.toLowerCase(), ...LOOPBACK_NAMES])].map((name) => ({ name, port: 'local' }));
}

/**
 * Refuse (403 `permission_error`) a request whose `Host` is not one this server answers to. A
 * request without `Host` (HTTP/1.0, in-process `app.request()`) is not from a browser and passes.
 */
export function hostCheck(options: HostCheckOptions): MiddlewareHandler<AppEnv> {
  const patterns = patternsFor(options);
  return async function hostCheckMiddleware(c, next) {
    const value = c.req.header('host');
    if (patterns === undefined || value === undefined) return next();
    const parsed = parseHost(value);
    const localPort = c.env?.incoming?.socket.localPort;
    const ok =
      parsed !== undefined &&
      patterns.some(
        (p) =>
          p.name === parsed.name &&
          (p.port === undefined ||
            parsed.port === undefined ||
            (p.port === 'local'
              ? localPort === undefined || Number(parsed.port) === localPort
              : p.port === parsed.port)),
      );
    if (!ok) {
      const shown = value.length > 100 ? `${value.slice(0, 100)}…` : value;
      throw new HttpProblem(
        403,
        'permission_error',
        `Host "${shown}" is not allowed (protection against DNS rebinding): call the proxy by the address it listens on, or add the host to allowedHosts (--allowed-host, CLAUDE_WRAPPER_ALLOWED_HOSTS).`,
      );
    }
    return next();
  };
}
