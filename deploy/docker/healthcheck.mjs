/**
 * The image's HEALTHCHECK: exit 0 when the proxy in this container answers `GET /health/live`
 * (liveness only: no CLI spawn, no key needed), 1 otherwise. Node has `fetch`, the slim image has
 * no curl. The address is the one `serve` binds: CLAUDE_WRAPPER_HOST (any-address binds are
 * reached on loopback) and CLAUDE_WRAPPER_PORT, 8787 by default.
 */
const port = process.env.CLAUDE_WRAPPER_PORT || '8787';
const bound = (process.env.CLAUDE_WRAPPER_HOST || '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound.includes(':') ? `[${bound}]` : bound;

try {
  const response = await fetch(`http://${host}:${port}/health/live`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
