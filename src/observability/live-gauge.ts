/**
 * @module
 * A Prometheus gauge whose value is read at scrape time, for state that lives elsewhere (queue
 * lengths, breaker state) rather than being pushed on every change.
 */
import { Gauge, type Registry } from 'prom-client';

/** Register a gauge on `registry` that reports `read()` on every scrape. */
export function liveGauge(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
