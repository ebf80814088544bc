/**
 * @module
 * Keep-alive for server-sent events: after `intervalMs` without a write, send a ping, and again
 * every `intervalMs` while the silence lasts. Clients, proxies and load balancers in between drop
 * connections that stay silent too long (often 60 s), and a client cannot tell a stalled upstream
 * from a slow one. One timer per stream, re-armed (`refresh`) on every write instead of checked.
 */

/** The keep-alive of one stream. */
export interface KeepAlive {
  /** Something was written: the silence starts again. */
  touch(): void;
  /** The stream ended. */
  stop(): void;
}

const NONE: KeepAlive = { touch() {}, stop() {} };

/**
 * Call `ping` after every `intervalMs` of silence (0 disables). `ping` must not throw; the timer
 * does not keep the process alive.
 */
export function keepAlive(intervalMs: number, ping: () => void): KeepAlive {
  if (intervalMs <= 0) return NONE;
  let stopped = false;
  const timer = setTimeout(function fire() {
    if (stopped) return;
    ping();
    timer.refresh();
  }, intervalMs);
  timer.unref();
  return {
    touch: () => {
      if (!stopped) timer.refresh();
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
